label-created-subject = Your order { $order } is being prepared for shipping
label-created-headline = Getting ready to ship
label-created-body = The shipping label for your parcel has been created. We will let you know as soon as the carrier has it.
label-created-sms = { $brand }: order { $order } is being prepared for shipping.

in-transit-subject = Your order { $order } is on its way
in-transit-headline = Your order is on its way
in-transit-body = Good news: the carrier has your parcel and it is on its way to you.
in-transit-sms = { $brand }: your order { $order } is on its way.

out-for-delivery-subject = Your order { $order } is out for delivery today
out-for-delivery-headline = Out for delivery today
out-for-delivery-body = Your parcel is with the driver and will be delivered today.
out-for-delivery-sms = { $brand }: your order { $order } is out for delivery today.

available-for-pickup-subject = Your order { $order } is ready for pickup
available-for-pickup-headline = Ready for pickup
available-for-pickup-body = Your parcel is waiting for you at the pickup point below. Bring an ID or your pickup code.
available-for-pickup-sms = { $brand }: order { $order } is ready for pickup.

attempt-failed-subject = We missed you: delivery attempt { $attempt } for order { $order }
attempt-failed-headline = Sorry we missed you
attempt-failed-body = The carrier tried to deliver your parcel (attempt { $attempt }) but could not. Check the tracking page for the next attempt or a pickup option.
attempt-failed-sms = { $brand }: delivery attempt { $attempt } for order { $order } failed.

delivered-subject = Your order { $order } has been delivered
delivered-headline = Delivered
delivered-body = Your parcel has been delivered. We hope you enjoy it!
delivered-sms = { $brand }: your order { $order } has been delivered.

exception-subject = There is a problem with the delivery of order { $order }
exception-headline = A problem with your delivery
exception-body = The carrier reported a problem: { $reason }. We are looking into it and will keep you posted.
exception-sms = { $brand }: there is a problem delivering order { $order }. Details:

delayed-subject = Your order { $order } is running late
delayed-headline = Sorry, your order is running late
delayed-body = We are sorry: your parcel will not arrive on { $old }. { $new }
delayed-sms = { $brand }: sorry, order { $order } is running late. { $new }

stalled-subject = An update on your order { $order }
stalled-headline = We are checking on your parcel
stalled-body = Your parcel has not had a carrier scan for a few days. We have asked the carrier and will let you know as soon as it moves.
stalled-sms = { $brand }: we are checking with the carrier on order { $order }.

trending-late-subject = Your order { $order } may arrive a little late
trending-late-headline = Your order may arrive a little late
trending-late-body = Your parcel is moving more slowly than usual, so it may arrive a little after { $old }. We are keeping an eye on it and will let you know as soon as the carrier confirms a date.
trending-late-sms = { $brand }: order { $order } may arrive a little after { $old }. We are watching it.

returning-to-sender-subject = Your order { $order } is on its way back to us
returning-to-sender-headline = Returning to us
returning-to-sender-body = The carrier is returning your parcel to us. We will be in touch about a new delivery or a refund.
returning-to-sender-sms = { $brand }: order { $order } is being returned to us. We will be in touch.

returned-to-sender-subject = Your order { $order } has come back to us
returned-to-sender-headline = Returned to us
returned-to-sender-body = Your parcel has been returned to us. We will contact you about a new delivery or a refund.
returned-to-sender-sms = { $brand }: order { $order } has come back to us. We will be in touch.

greeting = Hi { $first_name },
order = Order
carrier = Carrier
tracking-number = Tracking number
track-button = Track your parcel
expected-delivery = Expected delivery
shop-estimate = Estimate from { $brand }
date-range = { $from } to { $to }
signed-by = Signed for by
pickup-point = Pickup point
pickup-address = Address
pickup-hours = Opening hours
recommendations = You might also like
discount = As an apology, here is a discount: { $code }
support = Questions? Contact us
unsubscribe = Unsubscribe from delivery updates
new-date-known = The new expected delivery date is { $new }.
new-date-unknown = We will tell you the new date as soon as the carrier has it.
sms-new-date-known = New date: { $new }.
sms-new-date-unknown = We will update you.
expected-day = the expected day
reason-fallback = the carrier could not complete the delivery

reason-address-issue = the address could not be found or is incomplete
reason-recipient-moved = the recipient has moved
reason-refused = the parcel was refused
reason-awaiting-payment = duties or fees are due before delivery
reason-missing-documents = customs needs more documents
reason-customs-delay = it is held in customs
reason-customs-processing = it is being processed by customs
reason-held-by-carrier = the carrier is holding it
reason-damaged = the parcel was damaged
reason-lost = the parcel is lost
reason-disposed = the parcel was disposed of
reason-undeliverable = it cannot be delivered
reason-unclaimed = the parcel was not collected
reason-rejected-by-carrier = the carrier could not accept it
reason-weather-delay = bad weather
reason-carrier-delay = a delay in the carrier's network
reason-external-delay = circumstances outside the carrier's control
reason-missorted = the parcel was sent to the wrong depot
reason-late-flight = a delayed flight
reason-access-issue = the driver could not get access
reason-business-closed = the business was closed
reason-recipient-unavailable = nobody was available to receive it
reason-pickup-missed = the parcel was not collected in time
reason-contact-carrier = the carrier asks you to contact them
reason-notice-left = the driver left a delivery notice

# Dates. Month and weekday names come from CLDR (icu_datetime): $weekday, $weekday_short,
# $month, $mon (abbreviated month); $day (a number, so a pattern can select on it),
# $m (month number) and $year. A `month-short-N` (or `weekday-N`, `weekday-short-N`,
# `month-N`) message here replaces CLDR's name.
date-long = { $weekday }, { $month } { $day }
date-short = { $mon } { $day }
date-long-year = { $weekday }, { $month } { $day }, { $year }
date-short-year = { $mon } { $day }, { $year }

parcel-position = Parcel { $n } of { $total }
parcel-share = { $n } of your { $total } items
parcel-contents = In this parcel
other-parcels = The other parcels of this order

label-created-subject = Je bestelling { $order } wordt klaargemaakt voor verzending
label-created-headline = We maken je pakket klaar
label-created-body = Het verzendlabel voor je pakket is aangemaakt. We laten het je weten zodra de vervoerder het pakket heeft opgehaald.
label-created-sms = { $brand }: je bestelling { $order } wordt klaargemaakt voor verzending.

in-transit-subject = Je bestelling { $order } is onderweg
in-transit-headline = Je bestelling is onderweg
in-transit-body = Goed nieuws: je pakket is bij de vervoerder en onderweg naar jou.
in-transit-sms = { $brand }: je bestelling { $order } is onderweg.

out-for-delivery-subject = Je bestelling { $order } wordt vandaag bezorgd
out-for-delivery-headline = Vandaag bij je bezorgd
out-for-delivery-body = Je pakket zit in de bezorgbus en komt vandaag bij je aan.
out-for-delivery-sms = { $brand }: je bestelling { $order } wordt vandaag bezorgd.

available-for-pickup-subject = Je bestelling { $order } ligt klaar om op te halen
available-for-pickup-headline = Klaar om op te halen
available-for-pickup-body = Je pakket ligt voor je klaar bij het afhaalpunt hieronder. Neem een geldig legitimatiebewijs of je ophaalcode mee.
available-for-pickup-sms = { $brand }: je bestelling { $order } ligt klaar om op te halen.

attempt-failed-subject = We hebben je gemist: bezorgpoging { $attempt } voor bestelling { $order }
attempt-failed-headline = Helaas, we hebben je gemist
attempt-failed-body = De vervoerder heeft geprobeerd je pakket te bezorgen (poging { $attempt }), maar dat is niet gelukt. Via de knop hieronder zie je wanneer de volgende poging is of waar je het pakket kunt ophalen.
attempt-failed-sms = { $brand }: bezorgpoging { $attempt } voor bestelling { $order } is niet gelukt.

delivered-subject = Je bestelling { $order } is bezorgd
delivered-headline = Bezorgd
delivered-body = Je pakket is bezorgd. Veel plezier ermee!
delivered-sms = { $brand }: je bestelling { $order } is bezorgd.

exception-subject = Er is een probleem met de bezorging van bestelling { $order }
exception-headline = Een probleem met je bezorging
exception-body = De vervoerder meldt een probleem: { $reason }. We zoeken het uit en houden je op de hoogte.
exception-sms = { $brand }: er is een probleem met de bezorging van bestelling { $order }. Details:

delayed-subject = Je bestelling { $order } heeft vertraging
delayed-headline = Onze excuses, je bestelling heeft vertraging
delayed-body = Het spijt ons: je pakket komt niet op { $old } aan. { $new }
delayed-sms = { $brand }: sorry, je bestelling { $order } heeft vertraging. { $new }

stalled-subject = Nieuws over je bestelling { $order }
stalled-headline = We zoeken uit waar je pakket is
stalled-body = Je pakket is al een paar dagen niet meer gescand door de vervoerder. We hebben navraag gedaan en laten het je weten zodra het weer in beweging is.
stalled-sms = { $brand }: we zoeken bij de vervoerder uit waar bestelling { $order } is.

trending-late-subject = Je bestelling { $order } komt misschien iets later
trending-late-headline = Je bestelling komt misschien iets later
trending-late-body = Je pakket is langzamer onderweg dan normaal en komt daardoor misschien iets later dan { $old }. We houden het in de gaten en laten het je weten zodra de vervoerder een datum bevestigt.
trending-late-sms = { $brand }: je bestelling { $order } komt misschien iets later dan { $old }.

returning-to-sender-subject = Je bestelling { $order } wordt naar ons teruggestuurd
returning-to-sender-headline = Onderweg terug naar ons
returning-to-sender-body = De vervoerder stuurt je pakket terug naar ons. We nemen contact met je op over een nieuwe bezorging of een terugbetaling.
returning-to-sender-sms = { $brand }: bestelling { $order } gaat terug naar ons. We nemen contact met je op.

returned-to-sender-subject = Je bestelling { $order } is bij ons terug
returned-to-sender-headline = Terug bij ons
returned-to-sender-body = Je pakket is weer bij ons terug. We nemen contact met je op over een nieuwe bezorging of een terugbetaling.
returned-to-sender-sms = { $brand }: bestelling { $order } is bij ons terug. We nemen contact met je op.

greeting = Hoi { $first_name },
order = Bestelling
carrier = Vervoerder
tracking-number = Trackingcode
track-button = Volg je pakket
expected-delivery = Verwachte bezorging
shop-estimate = Schatting van { $brand }
date-range = tussen { $from } en { $to }
signed-by = Getekend door
pickup-point = Afhaalpunt
pickup-address = Adres
pickup-hours = Openingstijden
recommendations = Misschien vind je dit ook leuk
discount = Als excuus krijg je van ons een kortingscode: { $code }
support = Vragen? Neem contact met ons op
unsubscribe = Afmelden voor berichten over je bezorging
new-date-known = De nieuwe verwachte bezorgdatum is { $new }.
new-date-unknown = We laten je de nieuwe datum weten zodra de vervoerder die doorgeeft.
sms-new-date-known = Nieuwe datum: { $new }
sms-new-date-unknown = We houden je op de hoogte.
expected-day = de verwachte dag
reason-fallback = de vervoerder kon de bezorging niet afronden

reason-address-issue = het adres is niet gevonden of is onvolledig
reason-recipient-moved = de ontvanger is verhuisd
reason-refused = het pakket is geweigerd
reason-awaiting-payment = er moeten eerst invoerrechten of kosten worden betaald
reason-missing-documents = de douane heeft meer documenten nodig
reason-customs-delay = het pakket wordt tegengehouden door de douane
reason-customs-processing = het pakket wordt door de douane afgehandeld
reason-held-by-carrier = de vervoerder houdt het pakket vast
reason-damaged = het pakket is beschadigd
reason-lost = het pakket is zoekgeraakt
reason-disposed = het pakket is vernietigd
reason-undeliverable = het pakket kan niet worden bezorgd
reason-unclaimed = het pakket is niet opgehaald
reason-rejected-by-carrier = de vervoerder kon het pakket niet aannemen
reason-weather-delay = slecht weer
reason-carrier-delay = vertraging bij de vervoerder
reason-external-delay = omstandigheden waar de vervoerder geen invloed op heeft
reason-missorted = het pakket is verkeerd gesorteerd
reason-late-flight = een vertraagde vlucht
reason-access-issue = de bezorger kon het adres niet bereiken
reason-business-closed = het bedrijf was gesloten
reason-recipient-unavailable = er was niemand aanwezig om het pakket aan te nemen
reason-pickup-missed = het pakket is niet op tijd opgehaald
reason-contact-carrier = de vervoerder vraagt je contact met hen op te nemen
reason-notice-left = de bezorger heeft een kaartje achtergelaten

# Dates. Month and weekday names come from CLDR (icu_datetime): $weekday, $weekday_short,
# $month, $mon (abbreviated month); $day (a number, so a pattern can select on it),
# $m (month number) and $year. A `month-short-N` (or `weekday-N`, `weekday-short-N`,
# `month-N`) message here replaces CLDR's name.
# CLDR writes Dutch abbreviated months without a full stop ("2 okt"); these messages keep
# the Taalunie spelling with one ("2 okt."), as they always have.
month-short-1 = jan.
month-short-2 = feb.
month-short-3 = mrt.
month-short-4 = apr.
month-short-6 = jun.
month-short-7 = jul.
month-short-8 = aug.
month-short-9 = sep.
month-short-10 = okt.
month-short-11 = nov.
month-short-12 = dec.
date-long = { $weekday } { $day } { $month }
date-short = { $day } { $mon }
date-long-year = { $weekday } { $day } { $month } { $year }
date-short-year = { $day } { $mon } { $year }

parcel-position = Pakket { $n } van { $total }
parcel-share = { $n } van je { $total } artikelen
parcel-contents = In dit pakket
other-parcels = De andere pakketten van deze bestelling

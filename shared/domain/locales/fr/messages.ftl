label-created-subject = Votre commande { $order } est en cours de préparation
label-created-headline = Expédition en préparation
label-created-body = L’étiquette d’expédition de votre colis a été créée. Nous vous préviendrons dès que le transporteur l’aura pris en charge.
label-created-sms = { $brand } : votre commande { $order } est en cours de préparation.

in-transit-subject = Votre commande { $order } est en route
in-transit-headline = Votre commande est en route
in-transit-body = Bonne nouvelle : le transporteur a pris en charge votre colis, qui est en route vers vous.
in-transit-sms = { $brand } : votre commande { $order } est en route.

out-for-delivery-subject = Votre commande { $order } sera livrée aujourd’hui
out-for-delivery-headline = Livraison aujourd’hui
out-for-delivery-body = Votre colis est entre les mains du livreur et sera livré aujourd’hui.
out-for-delivery-sms = { $brand } : votre commande { $order } sera livrée aujourd'hui.

available-for-pickup-subject = Votre commande { $order } vous attend en point de retrait
available-for-pickup-headline = Disponible au retrait
available-for-pickup-body = Votre colis vous attend au point de retrait indiqué ci-dessous. Munissez-vous d’une pièce d’identité ou de votre code de retrait.
available-for-pickup-sms = { $brand } : votre commande { $order } vous attend en point de retrait.

attempt-failed-subject = Tentative de livraison n° { $attempt } sans succès pour votre commande { $order }
attempt-failed-headline = Livraison manquée
attempt-failed-body = Le transporteur a tenté de livrer votre colis (tentative n° { $attempt }), sans succès. Consultez la page de suivi pour connaître la prochaine tentative ou les options de retrait.
attempt-failed-sms = { $brand } : tentative de livraison { $attempt } sans succès pour votre commande { $order }.

delivered-subject = Votre commande { $order } a été livrée
delivered-headline = Votre colis est arrivé
delivered-body = Votre colis a été livré. Nous espérons qu’il vous plaira !
delivered-sms = { $brand } : votre commande { $order } a été livrée.

exception-subject = Un problème est survenu lors de la livraison de votre commande { $order }
exception-headline = Un problème avec votre livraison
exception-body = Le transporteur a signalé un problème : { $reason }. Nous nous en occupons et reviendrons vers vous dès que possible.
exception-sms = { $brand } : problème de livraison pour votre commande { $order }. Détails :

delayed-subject = Votre commande { $order } a du retard
delayed-headline = Désolés, votre commande a du retard
delayed-body = Nous sommes désolés : votre colis n’arrivera pas le { $old }. { $new }
delayed-sms = { $brand } : désolés, votre commande { $order } a du retard. { $new }

stalled-subject = Point sur votre commande { $order }
stalled-headline = Nous vérifions où en est votre colis
stalled-body = Votre colis n’a pas été scanné par le transporteur depuis quelques jours. Nous l’avons contacté et vous préviendrons dès que l’acheminement reprendra.
stalled-sms = { $brand } : nous vérifions auprès du transporteur où en est votre commande { $order }.

trending-late-subject = Votre commande { $order } pourrait arriver avec un peu de retard
trending-late-headline = Votre commande pourrait arriver avec un peu de retard
trending-late-body = Votre colis avance plus lentement que d’habitude et pourrait arriver un peu après le { $old }. Nous le suivons de près et vous préviendrons dès que le transporteur aura confirmé une date.
trending-late-sms = { $brand } : votre commande { $order } pourrait arriver un peu après le { $old }.

returning-to-sender-subject = Votre commande { $order } est en cours de retour vers nous
returning-to-sender-headline = Retour en cours
returning-to-sender-body = Le transporteur nous retourne votre colis. Nous reviendrons vers vous pour organiser une nouvelle livraison ou un remboursement.
returning-to-sender-sms = { $brand } : votre commande { $order } est en cours de retour. Nous revenons vers vous.

returned-to-sender-subject = Votre commande { $order } nous a été retournée
returned-to-sender-headline = Colis retourné
returned-to-sender-body = Votre colis nous a été retourné. Nous vous contacterons pour organiser une nouvelle livraison ou un remboursement.
returned-to-sender-sms = { $brand } : votre commande { $order } nous a été retournée. Nous revenons vers vous.

greeting = Bonjour { $first_name },
order = Commande
carrier = Transporteur
tracking-number = Numéro de suivi
track-button = Suivre mon colis
expected-delivery = Livraison prévue
shop-estimate = Estimation de { $brand }
date-range = du { $from } au { $to }
signed-by = Réceptionné par
pickup-point = Point de retrait
pickup-address = Adresse
pickup-hours = Horaires d’ouverture
recommendations = Vous aimerez aussi
discount = Pour nous excuser, voici un code de réduction : { $code }
support = Une question ? Contactez-nous
unsubscribe = Ne plus recevoir les notifications de livraison
new-date-known = La nouvelle date de livraison prévue est le { $new }.
new-date-unknown = Nous vous communiquerons la nouvelle date dès que le transporteur nous l’aura indiquée.
sms-new-date-known = Nouvelle date : { $new }
sms-new-date-unknown = Nous revenons vers vous.
expected-day = jour prévu
reason-fallback = le transporteur n’a pas pu effectuer la livraison

reason-address-issue = l’adresse est introuvable ou incomplète
reason-recipient-moved = le destinataire a déménagé
reason-refused = le colis a été refusé
reason-awaiting-payment = des droits ou des frais doivent être réglés avant la livraison
reason-missing-documents = la douane demande des documents supplémentaires
reason-customs-delay = le colis est retenu en douane
reason-customs-processing = le colis est en cours de dédouanement
reason-held-by-carrier = le colis est bloqué chez le transporteur
reason-damaged = le colis a été endommagé
reason-lost = le colis a été perdu
reason-disposed = le colis a été détruit
reason-undeliverable = le colis ne peut pas être livré
reason-unclaimed = le colis n’a pas été retiré
reason-rejected-by-carrier = le transporteur n’a pas pu accepter le colis
reason-weather-delay = de mauvaises conditions météorologiques
reason-carrier-delay = un retard dans le réseau du transporteur
reason-external-delay = des circonstances indépendantes du transporteur
reason-missorted = le colis a été mal acheminé
reason-late-flight = un vol a été retardé
reason-access-issue = le livreur n’a pas pu accéder à l’adresse
reason-business-closed = l’établissement était fermé
reason-recipient-unavailable = personne n’était présent pour réceptionner le colis
reason-pickup-missed = le colis n’a pas été retiré à temps
reason-contact-carrier = le transporteur vous demande de le contacter
reason-notice-left = le livreur a laissé un avis de passage

# Dates. Month and weekday names come from CLDR (icu_datetime): $weekday, $weekday_short,
# $month, $mon (abbreviated month); $day (a number, so a pattern can select on it),
# $m (month number) and $year. A `month-short-N` (or `weekday-N`, `weekday-short-N`,
# `month-N`) message here replaces CLDR's name.
date-long = { $weekday } { $day ->
        [1] 1er
       *[other] { $day }
    } { $month }
date-short = { $day ->
        [1] 1er
       *[other] { $day }
    } { $mon }
date-long-year = { $weekday } { $day ->
        [1] 1er
       *[other] { $day }
    } { $month } { $year }
date-short-year = { $day ->
        [1] 1er
       *[other] { $day }
    } { $mon } { $year }

parcel-position = Colis { $n } sur { $total }
parcel-share = { $n } de vos { $total } articles
parcel-contents = Dans ce colis
other-parcels = Les autres colis de cette commande

label-created-subject = Ihre Bestellung { $order } wird für den Versand vorbereitet
label-created-headline = Wir bereiten den Versand vor
label-created-body = Das Versandetikett für Ihr Paket wurde erstellt. Wir melden uns, sobald der Paketdienst es übernommen hat.
label-created-sms = { $brand }: Ihre Bestellung { $order } wird für den Versand vorbereitet.

in-transit-subject = Ihre Bestellung { $order } ist unterwegs
in-transit-headline = Ihre Bestellung ist unterwegs
in-transit-body = Gute Nachricht: Ihr Paket ist beim Paketdienst und auf dem Weg zu Ihnen.
in-transit-sms = { $brand }: Ihre Bestellung { $order } ist unterwegs.

out-for-delivery-subject = Ihre Bestellung { $order } wird heute zugestellt
out-for-delivery-headline = Ihr Paket kommt heute
out-for-delivery-body = Ihr Paket ist im Zustellfahrzeug und wird heute zugestellt.
out-for-delivery-sms = { $brand }: Ihre Bestellung { $order } wird heute zugestellt.

available-for-pickup-subject = Ihre Bestellung { $order } liegt zur Abholung bereit
available-for-pickup-headline = Bereit zur Abholung
available-for-pickup-body = Ihr Paket wartet an der unten genannten Abholstelle auf Sie. Bitte bringen Sie einen Ausweis oder Ihren Abholcode mit.
available-for-pickup-sms = { $brand }: Ihre Bestellung { $order } liegt zur Abholung bereit.

attempt-failed-subject = Leider nicht angetroffen: Zustellversuch { $attempt } für Bestellung { $order }
attempt-failed-headline = Leider haben wir Sie nicht angetroffen
attempt-failed-body = Der Paketdienst hat versucht, Ihr Paket zuzustellen (Zustellversuch { $attempt }), leider ohne Erfolg. In der Sendungsverfolgung sehen Sie den nächsten Zustellversuch oder eine Möglichkeit zur Abholung.
attempt-failed-sms = { $brand }: Zustellversuch { $attempt } für Bestellung { $order } war leider nicht erfolgreich.

delivered-subject = Ihre Bestellung { $order } wurde zugestellt
delivered-headline = Zugestellt
delivered-body = Ihr Paket wurde zugestellt. Wir wünschen Ihnen viel Freude damit!
delivered-sms = { $brand }: Ihre Bestellung { $order } wurde zugestellt.

exception-subject = Problem bei der Zustellung Ihrer Bestellung { $order }
exception-headline = Ein Problem bei der Zustellung
exception-body = Der Paketdienst hat ein Problem gemeldet: { $reason }. Wir kümmern uns darum und halten Sie auf dem Laufenden.
exception-sms = { $brand }: Bei der Zustellung Ihrer Bestellung { $order } gibt es ein Problem. Details:

delayed-subject = Ihre Bestellung { $order } verspätet sich
delayed-headline = Ihre Bestellung verspätet sich leider
delayed-body = Es tut uns leid: Ihr Paket kommt nicht am { $old } an. { $new }
delayed-sms = { $brand }: Entschuldigung, Ihre Bestellung { $order } verspätet sich. { $new }

stalled-subject = Neuigkeiten zu Ihrer Bestellung { $order }
stalled-headline = Wir fragen beim Paketdienst nach
stalled-body = Ihr Paket wurde seit einigen Tagen nicht mehr vom Paketdienst erfasst. Wir haben nachgefragt und melden uns, sobald es weitergeht.
stalled-sms = { $brand }: Wir klären den Status Ihrer Bestellung { $order } mit dem Paketdienst.

trending-late-subject = Ihre Bestellung { $order } kommt möglicherweise etwas später
trending-late-headline = Ihre Bestellung kommt möglicherweise etwas später
trending-late-body = Ihr Paket ist langsamer unterwegs als üblich und kommt deshalb möglicherweise etwas später an als am { $old }. Wir behalten es im Blick und geben Ihnen Bescheid, sobald der Paketdienst einen Termin bestätigt.
trending-late-sms = { $brand }: Ihre Bestellung { $order } kommt vielleicht etwas später als am { $old }.

returning-to-sender-subject = Ihre Bestellung { $order } wird an uns zurückgeschickt
returning-to-sender-headline = Auf dem Rückweg zu uns
returning-to-sender-body = Der Paketdienst schickt Ihr Paket an uns zurück. Wir melden uns bei Ihnen, um eine erneute Zustellung oder eine Erstattung zu besprechen.
returning-to-sender-sms = { $brand }: Ihre Bestellung { $order } wird an uns zurückgeschickt. Wir melden uns.

returned-to-sender-subject = Ihre Bestellung { $order } ist zu uns zurückgekommen
returned-to-sender-headline = Wieder bei uns
returned-to-sender-body = Ihr Paket ist wieder bei uns eingetroffen. Wir melden uns bei Ihnen wegen einer erneuten Zustellung oder einer Erstattung.
returned-to-sender-sms = { $brand }: Ihre Bestellung { $order } ist wieder bei uns eingetroffen. Wir melden uns.

greeting = Hallo { $first_name },
order = Bestellung
carrier = Paketdienst
tracking-number = Sendungsnummer
track-button = Sendung verfolgen
expected-delivery = Voraussichtliche Zustellung
shop-estimate = Schätzung von { $brand }
date-range = { $from } bis { $to }
signed-by = Unterschrieben von
pickup-point = Abholstelle
pickup-address = Adresse
pickup-hours = Öffnungszeiten
recommendations = Das könnte Ihnen auch gefallen
discount = Als kleine Entschuldigung schenken wir Ihnen einen Rabatt: { $code }
support = Fragen? Kontaktieren Sie uns
unsubscribe = Versandbenachrichtigungen abbestellen
new-date-known = Neuer voraussichtlicher Liefertermin: { $new }.
new-date-unknown = Sobald der Paketdienst uns einen neuen Termin nennt, geben wir Ihnen Bescheid.
sms-new-date-known = Neuer Termin: { $new }
sms-new-date-unknown = Wir melden uns.
expected-day = erwarteten Liefertag
reason-fallback = Der Paketdienst konnte die Zustellung nicht abschließen

reason-address-issue = Die Adresse wurde nicht gefunden oder ist unvollständig
reason-recipient-moved = Der Empfänger ist verzogen
reason-refused = Die Annahme des Pakets wurde verweigert
reason-awaiting-payment = Vor der Zustellung sind Zölle oder Gebühren zu bezahlen
reason-missing-documents = Der Zoll benötigt weitere Unterlagen
reason-customs-delay = Das Paket wird vom Zoll zurückgehalten
reason-customs-processing = Das Paket wird gerade vom Zoll abgefertigt
reason-held-by-carrier = Der Paketdienst hält das Paket zurück
reason-damaged = Das Paket wurde beschädigt
reason-lost = Das Paket ist verloren gegangen
reason-disposed = Das Paket wurde entsorgt
reason-undeliverable = Das Paket kann nicht zugestellt werden
reason-unclaimed = Das Paket wurde nicht abgeholt
reason-rejected-by-carrier = Der Paketdienst konnte das Paket nicht annehmen
reason-weather-delay = Schlechtes Wetter verzögert die Zustellung
reason-carrier-delay = Beim Paketdienst kommt es zu Verzögerungen
reason-external-delay = Umstände, auf die der Paketdienst keinen Einfluss hat, verzögern die Zustellung
reason-missorted = Das Paket wurde falsch sortiert
reason-late-flight = Ein Flug hatte Verspätung
reason-access-issue = Der Zusteller kam nicht bis zur Lieferadresse
reason-business-closed = Die Firma war zum Zustellzeitpunkt geschlossen
reason-recipient-unavailable = Bei der Zustellung war niemand anzutreffen
reason-pickup-missed = Das Paket wurde nicht rechtzeitig abgeholt
reason-contact-carrier = Der Paketdienst bittet Sie, sich bei ihm zu melden
reason-notice-left = Der Zusteller hat eine Benachrichtigungskarte hinterlassen

# Dates. Month and weekday names come from CLDR (icu_datetime): $weekday, $weekday_short,
# $month, $mon (abbreviated month); $day (a number, so a pattern can select on it),
# $m (month number) and $year. A `month-short-N` (or `weekday-N`, `weekday-short-N`,
# `month-N`) message here replaces CLDR's name.
date-long = { $weekday }, { $day }. { $month }
date-short = { $day }.{ $m }.
date-long-year = { $weekday }, { $day }. { $month } { $year }
date-short-year = { $day }.{ $m }.{ $year }

parcel-position = Paket { $n } von { $total }
parcel-share = { $n } von { $total } Artikeln Ihrer Bestellung
parcel-contents = In diesem Paket
other-parcels = Die weiteren Pakete dieser Bestellung

label-created-subject = Stiamo preparando la spedizione del tuo ordine { $order }
label-created-headline = Spedizione in preparazione
label-created-body = Abbiamo creato l’etichetta di spedizione per il tuo pacco. Ti avviseremo non appena il corriere lo avrà preso in carico.
label-created-sms = { $brand }: stiamo preparando la spedizione del tuo ordine { $order }.

in-transit-subject = Il tuo ordine { $order } è in viaggio
in-transit-headline = Il tuo ordine è in viaggio
in-transit-body = Buone notizie: il corriere ha preso in carico il tuo pacco, che è in viaggio verso di te.
in-transit-sms = { $brand }: il tuo ordine { $order } è in viaggio.

out-for-delivery-subject = Il tuo ordine { $order } arriva oggi
out-for-delivery-headline = In consegna oggi
out-for-delivery-body = Il tuo pacco è sul mezzo del corriere e verrà consegnato oggi.
out-for-delivery-sms = { $brand }: il tuo ordine { $order } è in consegna oggi.

available-for-pickup-subject = Il tuo ordine { $order } è pronto per il ritiro
available-for-pickup-headline = Pronto per il ritiro
available-for-pickup-body = Il tuo pacco ti aspetta presso il punto di ritiro indicato qui sotto. Porta con te un documento d’identità o il codice di ritiro.
available-for-pickup-sms = { $brand }: il tuo ordine { $order } è pronto per il ritiro.

attempt-failed-subject = Consegna non riuscita: tentativo { $attempt } per l’ordine { $order }
attempt-failed-headline = Ci dispiace, la consegna non è riuscita
attempt-failed-body = Il corriere ha provato a consegnare il tuo pacco (tentativo { $attempt }), ma senza successo. Controlla la pagina di tracciamento per il prossimo tentativo o per le opzioni di ritiro.
attempt-failed-sms = { $brand }: tentativo di consegna { $attempt } non riuscito per l'ordine { $order }.

delivered-subject = Il tuo ordine { $order } è stato consegnato
delivered-headline = Consegnato
delivered-body = Il tuo pacco è stato consegnato. Speriamo che ti piaccia!
delivered-sms = { $brand }: il tuo ordine { $order } è stato consegnato.

exception-subject = C’è un problema con la consegna dell’ordine { $order }
exception-headline = Un problema con la tua consegna
exception-body = Il corriere ha segnalato un problema: { $reason }. Stiamo verificando e ti faremo sapere al più presto.
exception-sms = { $brand }: c'è un problema con la consegna dell'ordine { $order }. Dettagli:

delayed-subject = Il tuo ordine { $order } è in ritardo
delayed-headline = Ci dispiace, il tuo ordine è in ritardo
delayed-body = Ci dispiace: il tuo pacco non arriverà { $old }. { $new }
delayed-sms = { $brand }: ci dispiace, il tuo ordine { $order } è in ritardo. { $new }

stalled-subject = Aggiornamento sul tuo ordine { $order }
stalled-headline = Stiamo controllando la tua spedizione
stalled-body = Da qualche giorno il tuo pacco non registra nuove scansioni. Abbiamo contattato il corriere e ti avviseremo non appena la spedizione riprenderà.
stalled-sms = { $brand }: stiamo verificando con il corriere lo stato del tuo ordine { $order }.

trending-late-subject = Il tuo ordine { $order } potrebbe arrivare con un po’ di ritardo
trending-late-headline = Il tuo ordine potrebbe arrivare con un po’ di ritardo
trending-late-body = Il tuo pacco sta viaggiando più lentamente del solito, quindi potrebbe non arrivare { $old }, ma poco dopo. Lo teniamo d’occhio e ti avviseremo non appena il corriere confermerà una data.
trending-late-sms = { $brand }: il tuo ordine { $order } potrebbe non arrivare { $old }, ma poco dopo.

returning-to-sender-subject = Il tuo ordine { $order } sta tornando da noi
returning-to-sender-headline = Sta tornando da noi
returning-to-sender-body = Il corriere ci sta restituendo il tuo pacco. Ti contatteremo per organizzare una nuova spedizione o un rimborso.
returning-to-sender-sms = { $brand }: il tuo ordine { $order } sta tornando da noi. Ti contatteremo.

returned-to-sender-subject = Il tuo ordine { $order } è tornato da noi
returned-to-sender-headline = Di nuovo da noi
returned-to-sender-body = Il tuo pacco ci è stato restituito. Ti contatteremo per organizzare una nuova spedizione o un rimborso.
returned-to-sender-sms = { $brand }: il tuo ordine { $order } è tornato da noi. Ti contatteremo.

greeting = Ciao { $first_name },
order = Ordine
carrier = Corriere
tracking-number = Numero di tracciamento
track-button = Segui il tuo pacco
expected-delivery = Consegna prevista
shop-estimate = Stima di { $brand }
date-range = da { $from } a { $to }
signed-by = Firmato da
pickup-point = Punto di ritiro
pickup-address = Indirizzo
pickup-hours = Orari di apertura
recommendations = Potrebbe piacerti anche
discount = Per scusarci, ecco uno sconto per te: { $code }
support = Domande? Contattaci
unsubscribe = Non ricevere più aggiornamenti sulle consegne
new-date-known = La nuova data di consegna prevista è { $new }.
new-date-unknown = Ti comunicheremo la nuova data non appena il corriere ce la fornirà.
sms-new-date-known = Nuova data: { $new }.
sms-new-date-unknown = Ti aggiorneremo presto.
expected-day = nel giorno previsto
reason-fallback = il corriere non è riuscito a completare la consegna

reason-address-issue = l’indirizzo è incompleto o non è stato trovato
reason-recipient-moved = il destinatario si è trasferito
reason-refused = il pacco è stato rifiutato
reason-awaiting-payment = ci sono dazi o spese da pagare prima della consegna
reason-missing-documents = la dogana richiede altri documenti
reason-customs-delay = il pacco è fermo in dogana
reason-customs-processing = il pacco è in fase di sdoganamento
reason-held-by-carrier = il pacco è in giacenza presso il corriere
reason-damaged = il pacco è stato danneggiato
reason-lost = il pacco è stato smarrito
reason-disposed = il pacco è stato distrutto
reason-undeliverable = il pacco non può essere consegnato
reason-unclaimed = il pacco non è stato ritirato
reason-rejected-by-carrier = il corriere non ha potuto accettare il pacco
reason-weather-delay = il maltempo
reason-carrier-delay = un ritardo nella rete del corriere
reason-external-delay = circostanze indipendenti dal corriere
reason-missorted = il pacco è stato smistato per errore verso un altro centro
reason-late-flight = il ritardo di un volo
reason-access-issue = il corriere non è riuscito ad accedere all’indirizzo
reason-business-closed = l’attività era chiusa
reason-recipient-unavailable = non c’era nessuno a ricevere il pacco
reason-pickup-missed = il pacco non è stato ritirato in tempo
reason-contact-carrier = il corriere chiede di essere contattato
reason-notice-left = il corriere ha lasciato un avviso di passaggio

# Dates. Month and weekday names come from CLDR (icu_datetime): $weekday, $weekday_short,
# $month, $mon (abbreviated month); $day (a number, so a pattern can select on it),
# $m (month number) and $year. A `month-short-N` (or `weekday-N`, `weekday-short-N`,
# `month-N`) message here replaces CLDR's name.
date-long = { $weekday } { $day } { $month }
date-short = { $day } { $mon }
date-long-year = { $weekday } { $day } { $month } { $year }
date-short-year = { $day } { $mon } { $year }

parcel-position = Pacco { $n } di { $total }
parcel-share = { $n } dei tuoi { $total } articoli
parcel-contents = In questo pacco
other-parcels = Gli altri pacchi di questo ordine

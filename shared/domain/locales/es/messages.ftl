label-created-subject = Estamos preparando el envío de tu pedido { $order }
label-created-headline = Preparando el envío
label-created-body = Ya hemos creado la etiqueta de envío de tu paquete. Te avisaremos en cuanto lo recoja el transportista.
label-created-sms = { $brand }: estamos preparando tu pedido { $order } para enviarlo.

in-transit-subject = Tu pedido { $order } ya va de camino
in-transit-headline = Tu pedido va de camino
in-transit-body = ¡Buenas noticias! El transportista ya tiene tu paquete y va de camino hacia ti.
in-transit-sms = { $brand }: tu pedido { $order } ya va de camino.

out-for-delivery-subject = Tu pedido { $order } llega hoy
out-for-delivery-headline = En reparto hoy
out-for-delivery-body = Tu paquete ya está con el repartidor y se entregará hoy.
out-for-delivery-sms = { $brand }: tu pedido { $order } llega hoy.

available-for-pickup-subject = Tu pedido { $order } ya se puede recoger
available-for-pickup-headline = Listo para recoger
available-for-pickup-body = Tu paquete te espera en el punto de recogida que aparece más abajo. Lleva tu documento de identidad o tu código de recogida.
available-for-pickup-sms = { $brand }: tu pedido { $order } ya se puede recoger.

attempt-failed-subject = No se ha podido entregar tu pedido { $order } (intento { $attempt })
attempt-failed-headline = Sentimos no haberte encontrado
attempt-failed-body = El transportista ha intentado entregar tu paquete (intento { $attempt }), pero no ha sido posible. Consulta la página de seguimiento para ver el próximo intento o la opción de recogida.
attempt-failed-sms = { $brand }: no se ha podido entregar tu pedido { $order } (intento { $attempt }).

delivered-subject = Tu pedido { $order } ha sido entregado
delivered-headline = Entregado
delivered-body = Tu paquete ha sido entregado. ¡Esperamos que lo disfrutes!
delivered-sms = { $brand }: tu pedido { $order } ha sido entregado.

exception-subject = Hay un problema con la entrega de tu pedido { $order }
exception-headline = Un problema con tu entrega
exception-body = El transportista ha informado de un problema: { $reason }. Lo estamos revisando y te mantendremos al tanto.
exception-sms = { $brand }: hay un problema con la entrega de tu pedido { $order }. Detalles:

delayed-subject = Tu pedido { $order } se retrasa
delayed-headline = Lo sentimos, tu pedido se retrasa
delayed-body = Lo sentimos: tu paquete no llegará el { $old }. { $new }
delayed-sms = { $brand }: lo sentimos, tu pedido { $order } se retrasa. { $new }

stalled-subject = Novedades sobre tu pedido { $order }
stalled-headline = Estamos revisando tu envío
stalled-body = Hace unos días que el transportista no registra ningún movimiento de tu paquete. Ya se lo hemos consultado y te avisaremos en cuanto haya novedades.
stalled-sms = { $brand }: estamos comprobando con el transportista el estado de tu pedido { $order }.

trending-late-subject = Tu pedido { $order } podría llegar con un poco de retraso
trending-late-headline = Tu pedido podría llegar con un poco de retraso
trending-late-body = Tu paquete avanza más despacio de lo habitual, así que podría llegar un poco después del { $old }. Lo estamos siguiendo de cerca y te avisaremos en cuanto el transportista confirme una fecha.
trending-late-sms = { $brand }: tu pedido { $order } puede llegar algo después del { $old }. Lo seguimos.

returning-to-sender-subject = El transportista nos está devolviendo tu pedido { $order }
returning-to-sender-headline = Devolución en curso
returning-to-sender-body = El transportista nos está devolviendo tu paquete. Nos pondremos en contacto contigo para organizar un nuevo envío o un reembolso.
returning-to-sender-sms = { $brand }: el transportista nos devuelve tu pedido { $order }. Te contactaremos pronto.

returned-to-sender-subject = Hemos recibido de vuelta tu pedido { $order }
returned-to-sender-headline = Pedido devuelto
returned-to-sender-body = Tu paquete nos ha llegado de vuelta. Nos pondremos en contacto contigo para organizar un nuevo envío o un reembolso.
returned-to-sender-sms = { $brand }: hemos recibido de vuelta tu pedido { $order }. Te contactaremos pronto.

greeting = Hola, { $first_name }:
order = Pedido
carrier = Transportista
tracking-number = Número de seguimiento
track-button = Seguir mi envío
expected-delivery = Entrega prevista
shop-estimate = Estimación de { $brand }
date-range = del { $from } al { $to }
signed-by = Recibido por
pickup-point = Punto de recogida
pickup-address = Dirección
pickup-hours = Horario
recommendations = También te puede gustar
discount = Para compensarte, aquí tienes un descuento: { $code }
support = ¿Tienes alguna pregunta? Escríbenos
unsubscribe = Dejar de recibir avisos sobre la entrega
new-date-known = La nueva fecha de entrega prevista es el { $new }.
new-date-unknown = Te diremos la nueva fecha en cuanto el transportista nos la confirme.
sms-new-date-known = Nueva fecha: { $new }.
sms-new-date-unknown = Te avisaremos pronto.
expected-day = día previsto
reason-fallback = el transportista no ha podido completar la entrega

reason-address-issue = la dirección no se encuentra o está incompleta
reason-recipient-moved = el destinatario se ha mudado
reason-refused = el paquete ha sido rechazado
reason-awaiting-payment = hay aranceles o tasas que pagar antes de la entrega
reason-missing-documents = la aduana necesita más documentación
reason-customs-delay = el paquete está retenido en la aduana
reason-customs-processing = el paquete está en trámites de aduana
reason-held-by-carrier = el transportista tiene retenido el paquete
reason-damaged = el paquete ha sufrido daños
reason-lost = el paquete se ha perdido
reason-disposed = el paquete ha sido destruido
reason-undeliverable = no es posible entregar el paquete
reason-unclaimed = nadie ha recogido el paquete
reason-rejected-by-carrier = el transportista no ha podido aceptar el paquete
reason-weather-delay = el mal tiempo
reason-carrier-delay = un retraso en la red del transportista
reason-external-delay = circunstancias ajenas al transportista
reason-missorted = el paquete se ha enviado a un centro equivocado
reason-late-flight = el retraso de un vuelo
reason-access-issue = el repartidor no ha podido acceder a la dirección
reason-business-closed = el establecimiento estaba cerrado
reason-recipient-unavailable = no había nadie para recibir el paquete
reason-pickup-missed = el paquete no se ha recogido a tiempo
reason-contact-carrier = el transportista necesita que te pongas en contacto con él
reason-notice-left = el repartidor ha dejado un aviso

# Dates. Month and weekday names come from CLDR (icu_datetime): $weekday, $weekday_short,
# $month, $mon (abbreviated month); $day (a number, so a pattern can select on it),
# $m (month number) and $year. A `month-short-N` (or `weekday-N`, `weekday-short-N`,
# `month-N`) message here replaces CLDR's name.
date-long = { $weekday }, { $day } de { $month }
date-short = { $day } { $mon }
date-long-year = { $weekday }, { $day } de { $month } de { $year }
date-short-year = { $day } { $mon } { $year }

parcel-position = Paquete { $n } de { $total }
parcel-share = { $n } de tus { $total } artículos
parcel-contents = En este paquete
other-parcels = Los demás paquetes de este pedido

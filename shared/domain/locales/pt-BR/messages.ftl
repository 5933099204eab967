label-created-subject = Seu pedido { $order } está sendo preparado para envio
label-created-headline = Preparando o envio
label-created-body = A etiqueta de envio do seu pacote já foi gerada. Avisaremos você assim que ele estiver com a transportadora.
label-created-sms = { $brand }: estamos preparando o envio do seu pedido { $order }.

in-transit-subject = Seu pedido { $order } está a caminho
in-transit-headline = Seu pedido está a caminho
in-transit-body = Boa notícia: a transportadora já está com o seu pacote, que está a caminho.
in-transit-sms = { $brand }: seu pedido { $order } foi enviado! Acompanhe:

out-for-delivery-subject = Seu pedido { $order } saiu para entrega
out-for-delivery-headline = Saiu para entrega
out-for-delivery-body = Seu pacote está com o entregador e será entregue hoje.
out-for-delivery-sms = { $brand }: seu pedido { $order } saiu para entrega e chega hoje.

available-for-pickup-subject = Seu pedido { $order } está pronto para retirada
available-for-pickup-headline = Pronto para retirada
available-for-pickup-body = Seu pacote está esperando por você no ponto de retirada abaixo. Leve um documento com foto ou o seu código de retirada.
available-for-pickup-sms = { $brand }: seu pedido { $order } aguarda retirada.

attempt-failed-subject = Não foi possível entregar seu pedido { $order } (tentativa { $attempt })
attempt-failed-headline = Não foi possível entregar
attempt-failed-body = A transportadora tentou entregar seu pacote (tentativa { $attempt }), mas não conseguiu. Confira na página de rastreamento a próxima tentativa ou a opção de retirada.
attempt-failed-sms = { $brand }: tentativa de entrega { $attempt } do pedido { $order } sem sucesso.

delivered-subject = Seu pedido { $order } foi entregue
delivered-headline = Entregue
delivered-body = Seu pacote foi entregue. Esperamos que você goste!
delivered-sms = { $brand }: seu pedido { $order } foi entregue.

exception-subject = Houve um problema com a entrega do pedido { $order }
exception-headline = Um problema com a sua entrega
exception-body = A transportadora informou um problema: { $reason }. Já estamos verificando e daremos notícias em breve.
exception-sms = { $brand }: houve um problema na entrega do pedido { $order }. Detalhes:

delayed-subject = Seu pedido { $order } vai atrasar
delayed-headline = Desculpe, seu pedido vai atrasar
delayed-body = Pedimos desculpas: seu pacote não vai chegar até { $old }. { $new }
delayed-sms = { $brand }: pedimos desculpas, seu pedido { $order } vai atrasar. { $new }

stalled-subject = Novidades sobre o seu pedido { $order }
stalled-headline = Estamos verificando o seu pacote
stalled-body = Seu pacote está há alguns dias sem atualização da transportadora. Já entramos em contato com ela e avisaremos você assim que ele voltar a se movimentar.
stalled-sms = { $brand }: estamos verificando o pedido { $order } com a transportadora.

trending-late-subject = Seu pedido { $order } pode chegar com um pequeno atraso
trending-late-headline = Seu pedido pode chegar com um pequeno atraso
trending-late-body = Seu pacote está avançando mais devagar do que o normal, então talvez não chegue até { $old }, e sim um pouco depois. Estamos de olho e avisaremos você assim que a transportadora confirmar uma data.
trending-late-sms = { $brand }: seu pedido { $order } pode chegar um pouco depois de { $old }.

returning-to-sender-subject = Seu pedido { $order } está voltando para nós
returning-to-sender-headline = Voltando para nós
returning-to-sender-body = A transportadora está devolvendo seu pacote para nós. Entraremos em contato sobre uma nova entrega ou um reembolso.
returning-to-sender-sms = { $brand }: o pedido { $order } vai ser devolvido à nossa loja. Entraremos em contato.

returned-to-sender-subject = Seu pedido { $order } voltou para nós
returned-to-sender-headline = Pedido devolvido
returned-to-sender-body = Seu pacote foi devolvido para nós. Entraremos em contato sobre uma nova entrega ou um reembolso.
returned-to-sender-sms = { $brand }: o pedido { $order } voltou para a nossa loja. Entraremos em contato.

greeting = Olá, { $first_name }!
order = Pedido
carrier = Transportadora
tracking-number = Código de rastreamento
track-button = Rastrear pedido
expected-delivery = Previsão de entrega
shop-estimate = Estimativa de { $brand }
date-range = de { $from } a { $to }
signed-by = Recebido por
pickup-point = Ponto de retirada
pickup-address = Endereço
pickup-hours = Horário de funcionamento
recommendations = Você também pode gostar
discount = Como pedido de desculpas, aqui está um cupom de desconto: { $code }
support = Dúvidas? Fale conosco
unsubscribe = Não quero mais receber atualizações de entrega
new-date-known = A nova previsão de entrega é { $new }.
new-date-unknown = Avisaremos a nova data assim que a transportadora nos informar.
sms-new-date-known = Nova data: { $new }
sms-new-date-unknown = Avisaremos em breve.
expected-day = a data prevista
reason-fallback = a transportadora não conseguiu concluir a entrega

reason-address-issue = o endereço não foi encontrado ou está incompleto
reason-recipient-moved = o destinatário mudou de endereço
reason-refused = o pacote foi recusado
reason-awaiting-payment = há impostos ou taxas a pagar antes da entrega
reason-missing-documents = a alfândega precisa de mais documentos
reason-customs-delay = o pacote está retido na alfândega
reason-customs-processing = o pacote está em fiscalização aduaneira
reason-held-by-carrier = o pacote está retido pela transportadora
reason-damaged = o pacote foi danificado
reason-lost = o pacote foi extraviado
reason-disposed = o pacote foi descartado
reason-undeliverable = não é possível entregar o pacote
reason-unclaimed = o pacote não foi retirado
reason-rejected-by-carrier = a transportadora não pôde aceitar o pacote
reason-weather-delay = condições climáticas ruins
reason-carrier-delay = um atraso na operação da transportadora
reason-external-delay = imprevistos fora do controle da transportadora
reason-missorted = o pacote foi encaminhado para o local errado
reason-late-flight = o atraso de um voo
reason-access-issue = o entregador não conseguiu acessar o endereço
reason-business-closed = o estabelecimento estava fechado
reason-recipient-unavailable = não havia ninguém para receber o pacote
reason-pickup-missed = o pacote não foi retirado no prazo
reason-contact-carrier = a transportadora pede que você entre em contato com ela
reason-notice-left = o entregador deixou um aviso de tentativa de entrega

# Dates. Month and weekday names come from CLDR (icu_datetime): $weekday, $weekday_short,
# $month, $mon (abbreviated month); $day (a number, so a pattern can select on it),
# $m (month number) and $year. A `month-short-N` (or `weekday-N`, `weekday-short-N`,
# `month-N`) message here replaces CLDR's name.
date-long = { $weekday }, { $day } de { $month }
date-short = { $day } de { $mon }
date-long-year = { $weekday }, { $day } de { $month } de { $year }
date-short-year = { $day } de { $mon } de { $year }

parcel-position = Pacote { $n } de { $total }
parcel-share = { $n } dos seus { $total } itens
parcel-contents = Neste pacote
other-parcels = Os outros pacotes deste pedido

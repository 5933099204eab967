//! The words of the public pages (tracking page, delivery rating, unsubscribe, order
//! lookup) in every built-in locale, and how a page picks its locale. Placeholders:
//! `{n}`, `{total}`, `{step}`, `{date}`, `{zone}`, `{stars}`, `{order}`, `{brand}`.

use super::{ALL, EN, Locale};

#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct PageWords {
    /// The language's own name, for the switcher ("Deutsch").
    pub language_name: &'static str,
    pub language: &'static str,
    pub track_title: &'static str,
    pub progress: &'static str,
    /// "Step {n} of {total}: {step}"
    pub progress_text: &'static str,
    /// Label created, on its way, out for delivery, delivered.
    pub steps: [&'static str; 4],
    /// The third step when the parcel waits at a pickup point.
    pub pickup_step: &'static str,
    pub done: &'static str,
    pub current: &'static str,
    /// "Delivered on {date}"
    pub delivered_on: &'static str,
    /// "We promised delivery by {date}."
    pub promised: &'static str,
    pub late_apology: &'static str,
    pub history: &'static str,
    pub no_events: &'static str,
    /// "Times are shown in {zone}."
    pub times_in: &'static str,
    /// The link to the page of earlier scans (a page lists only the newest ones).
    pub older_events: &'static str,
    /// Marks a scan time that is the carrier's local time, not the customer's.
    pub local_time: &'static str,
    pub details: &'static str,
    pub carrier_link: &'static str,
    pub rating_title: &'static str,
    pub star_labels: [&'static str; 5],
    pub comment: &'static str,
    pub comment_hint: &'static str,
    pub send_rating: &'static str,
    /// "Your rating: {stars} of 5"
    pub your_rating: &'static str,
    pub thanks: &'static str,
    pub stars_required: &'static str,
    pub comment_too_long: &'static str,
    pub not_delivered: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub unsubscribe_title: &'static str,
    /// "Stop delivery updates for order {order}?"
    pub unsubscribe_question: &'static str,
    pub unsubscribe_order: &'static str,
    /// "Stop all delivery updates from {brand}"
    pub unsubscribe_all: &'static str,
    pub unsubscribed_order: &'static str,
    pub unsubscribed_all: &'static str,
    pub link_invalid: &'static str,
    pub lookup_title: &'static str,
    pub lookup_intro: &'static str,
    pub order_number: &'static str,
    pub email: &'static str,
    pub lookup_submit: &'static str,
    pub lookup_not_found: &'static str,
    pub lookup_missing: &'static str,
    pub too_many: &'static str,
    pub too_large: &'static str,
}

pub const EN_PAGE: PageWords = PageWords {
    language_name: "English",
    language: "Language",
    track_title: "Track your order",
    progress: "Delivery progress",
    progress_text: "Step {n} of {total}: {step}",
    steps: [
        "Label created",
        "On its way",
        "Out for delivery",
        "Delivered",
    ],
    pickup_step: "Ready for pickup",
    done: "completed",
    current: "current step",
    delivered_on: "Delivered on {date}",
    promised: "We promised delivery by {date}.",
    late_apology: "We are sorry that your order is late.",
    history: "Shipment history",
    no_events: "No carrier updates yet. They will appear here as soon as the carrier scans your parcel.",
    times_in: "Times are shown in {zone}.",
    older_events: "Earlier updates",
    local_time: "local time at the scan location",
    details: "Shipment details",
    carrier_link: "Track on the carrier's website",
    rating_title: "How was your delivery?",
    star_labels: [
        "1 star: very poor",
        "2 stars: poor",
        "3 stars: okay",
        "4 stars: good",
        "5 stars: excellent",
    ],
    comment: "Comment (optional)",
    comment_hint: "At most 1000 characters.",
    send_rating: "Send rating",
    your_rating: "Your rating: {stars} of 5",
    thanks: "Thank you for your feedback!",
    stars_required: "Please choose from 1 to 5 stars.",
    comment_too_long: "Your comment is too long: at most 1000 characters, please.",
    not_delivered: "You can rate the delivery once your parcel has arrived.",
    not_found_title: "We could not find this shipment",
    not_found_body: "The link may be incomplete. Please use the link from your latest email or message, or contact the shop.",
    unsubscribe_title: "Delivery updates",
    unsubscribe_question: "Stop delivery updates for order {order}?",
    unsubscribe_order: "Stop updates for this order",
    unsubscribe_all: "Stop all delivery updates from {brand}",
    unsubscribed_order: "You will not receive more updates about order {order}.",
    unsubscribed_all: "You will not receive delivery updates from {brand} any more.",
    link_invalid: "This link is not valid. If you copied it, check that it is complete.",
    lookup_title: "Find your order",
    lookup_intro: "Enter your order number and the email address you used to order.",
    order_number: "Order number",
    email: "Email address",
    lookup_submit: "Find my order",
    lookup_not_found: "We could not find an order with these details. Please check them and try again.",
    lookup_missing: "Please enter your order number and your email address.",
    too_many: "Too many attempts. Please try again in a few minutes.",
    too_large: "What you sent is too long.",
};

pub const DE_PAGE: PageWords = PageWords {
    language_name: "Deutsch",
    language: "Sprache",
    track_title: "Sendung verfolgen",
    progress: "Lieferfortschritt",
    progress_text: "Schritt {n} von {total}: {step}",
    steps: [
        "Versandetikett erstellt",
        "Unterwegs",
        "In Zustellung",
        "Zugestellt",
    ],
    pickup_step: "Abholbereit",
    done: "erledigt",
    current: "aktueller Schritt",
    delivered_on: "Zugestellt am {date}",
    promised: "Wir hatten die Lieferung bis {date} zugesagt.",
    late_apology: "Es tut uns leid, dass Ihre Bestellung später kommt.",
    history: "Sendungsverlauf",
    no_events: "Noch keine Meldungen des Paketdienstes. Sie erscheinen hier, sobald Ihr Paket gescannt wird.",
    times_in: "Zeiten in {zone}.",
    older_events: "Frühere Meldungen",
    local_time: "Ortszeit am Scan-Ort",
    details: "Sendungsdetails",
    carrier_link: "Beim Paketdienst verfolgen",
    rating_title: "Wie war Ihre Lieferung?",
    star_labels: [
        "1 Stern: sehr schlecht",
        "2 Sterne: schlecht",
        "3 Sterne: in Ordnung",
        "4 Sterne: gut",
        "5 Sterne: ausgezeichnet",
    ],
    comment: "Kommentar (optional)",
    comment_hint: "Höchstens 1000 Zeichen.",
    send_rating: "Bewertung senden",
    your_rating: "Ihre Bewertung: {stars} von 5",
    thanks: "Vielen Dank für Ihr Feedback!",
    stars_required: "Bitte wählen Sie 1 bis 5 Sterne.",
    comment_too_long: "Ihr Kommentar ist zu lang: bitte höchstens 1000 Zeichen.",
    not_delivered: "Sie können die Lieferung bewerten, sobald Ihr Paket angekommen ist.",
    not_found_title: "Wir konnten diese Sendung nicht finden",
    not_found_body: "Der Link ist vielleicht unvollständig. Bitte nutzen Sie den Link aus Ihrer letzten E-Mail oder Nachricht oder wenden Sie sich an den Shop.",
    unsubscribe_title: "Lieferbenachrichtigungen",
    unsubscribe_question: "Keine Lieferbenachrichtigungen mehr zur Bestellung {order}?",
    unsubscribe_order: "Benachrichtigungen zu dieser Bestellung abbestellen",
    unsubscribe_all: "Alle Lieferbenachrichtigungen von {brand} abbestellen",
    unsubscribed_order: "Sie erhalten keine Benachrichtigungen mehr zur Bestellung {order}.",
    unsubscribed_all: "Sie erhalten keine Lieferbenachrichtigungen mehr von {brand}.",
    link_invalid: "Dieser Link ist ungültig. Wenn Sie ihn kopiert haben, prüfen Sie, ob er vollständig ist.",
    lookup_title: "Bestellung finden",
    lookup_intro: "Geben Sie Ihre Bestellnummer und die E-Mail-Adresse ein, mit der Sie bestellt haben.",
    order_number: "Bestellnummer",
    email: "E-Mail-Adresse",
    lookup_submit: "Bestellung finden",
    lookup_not_found: "Wir haben keine Bestellung mit diesen Angaben gefunden. Bitte prüfen Sie sie und versuchen Sie es erneut.",
    lookup_missing: "Bitte geben Sie Ihre Bestellnummer und Ihre E-Mail-Adresse ein.",
    too_many: "Zu viele Versuche. Bitte versuchen Sie es in ein paar Minuten erneut.",
    too_large: "Ihre Eingabe ist zu lang.",
};

pub const FR_PAGE: PageWords = PageWords {
    language_name: "Français",
    language: "Langue",
    track_title: "Suivre votre commande",
    progress: "Progression de la livraison",
    progress_text: "Étape {n} sur {total} : {step}",
    steps: [
        "Étiquette créée",
        "En route",
        "En cours de livraison",
        "Livré",
    ],
    pickup_step: "Prêt à être retiré",
    done: "terminé",
    current: "étape actuelle",
    delivered_on: "Livré le {date}",
    promised: "Nous avions promis une livraison avant le {date}.",
    late_apology: "Nous sommes désolés du retard de votre commande.",
    history: "Historique de l'envoi",
    no_events: "Pas encore de nouvelles du transporteur. Elles s'afficheront ici dès que votre colis sera scanné.",
    times_in: "Heures indiquées en {zone}.",
    older_events: "Mises à jour antérieures",
    local_time: "heure locale du lieu de passage",
    details: "Détails de l'envoi",
    carrier_link: "Suivre sur le site du transporteur",
    rating_title: "Comment s'est passée votre livraison ?",
    star_labels: [
        "1 étoile : très mauvais",
        "2 étoiles : mauvais",
        "3 étoiles : correct",
        "4 étoiles : bien",
        "5 étoiles : excellent",
    ],
    comment: "Commentaire (facultatif)",
    comment_hint: "1000 caractères au maximum.",
    send_rating: "Envoyer la note",
    your_rating: "Votre note : {stars} sur 5",
    thanks: "Merci pour votre avis !",
    stars_required: "Veuillez choisir de 1 à 5 étoiles.",
    comment_too_long: "Votre commentaire est trop long : 1000 caractères au maximum.",
    not_delivered: "Vous pourrez noter la livraison dès que votre colis sera arrivé.",
    not_found_title: "Nous n'avons pas trouvé cet envoi",
    not_found_body: "Le lien est peut-être incomplet. Utilisez le lien de votre dernier e-mail ou message, ou contactez la boutique.",
    unsubscribe_title: "Suivi de livraison",
    unsubscribe_question: "Ne plus recevoir de nouvelles de la commande {order} ?",
    unsubscribe_order: "Ne plus suivre cette commande",
    unsubscribe_all: "Ne plus recevoir aucune nouvelle de livraison de {brand}",
    unsubscribed_order: "Vous ne recevrez plus de nouvelles de la commande {order}.",
    unsubscribed_all: "Vous ne recevrez plus de nouvelles de livraison de {brand}.",
    link_invalid: "Ce lien n'est pas valide. Si vous l'avez copié, vérifiez qu'il est complet.",
    lookup_title: "Retrouver votre commande",
    lookup_intro: "Saisissez votre numéro de commande et l'adresse e-mail utilisée pour commander.",
    order_number: "Numéro de commande",
    email: "Adresse e-mail",
    lookup_submit: "Retrouver ma commande",
    lookup_not_found: "Aucune commande ne correspond à ces informations. Vérifiez-les et réessayez.",
    lookup_missing: "Veuillez saisir votre numéro de commande et votre adresse e-mail.",
    too_many: "Trop de tentatives. Réessayez dans quelques minutes.",
    too_large: "Votre saisie est trop longue.",
};

pub const ES_PAGE: PageWords = PageWords {
    language_name: "Español",
    language: "Idioma",
    track_title: "Sigue tu pedido",
    progress: "Progreso de la entrega",
    progress_text: "Paso {n} de {total}: {step}",
    steps: ["Etiqueta creada", "En camino", "En reparto", "Entregado"],
    pickup_step: "Listo para recoger",
    done: "completado",
    current: "paso actual",
    delivered_on: "Entregado el {date}",
    promised: "Te prometimos la entrega para el {date}.",
    late_apology: "Sentimos que tu pedido llegue tarde.",
    history: "Historial del envío",
    no_events: "Aún no hay novedades del transportista. Aparecerán aquí en cuanto escanee tu paquete.",
    times_in: "Horas en {zone}.",
    older_events: "Actualizaciones anteriores",
    local_time: "hora local del lugar del escaneo",
    details: "Detalles del envío",
    carrier_link: "Seguir en la web del transportista",
    rating_title: "¿Qué tal fue tu entrega?",
    star_labels: [
        "1 estrella: muy mala",
        "2 estrellas: mala",
        "3 estrellas: normal",
        "4 estrellas: buena",
        "5 estrellas: excelente",
    ],
    comment: "Comentario (opcional)",
    comment_hint: "Como máximo 1000 caracteres.",
    send_rating: "Enviar valoración",
    your_rating: "Tu valoración: {stars} de 5",
    thanks: "¡Gracias por tu opinión!",
    stars_required: "Elige de 1 a 5 estrellas.",
    comment_too_long: "Tu comentario es demasiado largo: como máximo 1000 caracteres.",
    not_delivered: "Podrás valorar la entrega cuando llegue tu paquete.",
    not_found_title: "No encontramos este envío",
    not_found_body: "Puede que el enlace esté incompleto. Usa el enlace de tu último correo o mensaje, o contacta con la tienda.",
    unsubscribe_title: "Avisos de entrega",
    unsubscribe_question: "¿Dejar de recibir avisos del pedido {order}?",
    unsubscribe_order: "Dejar de recibir avisos de este pedido",
    unsubscribe_all: "Dejar de recibir todos los avisos de entrega de {brand}",
    unsubscribed_order: "Ya no recibirás más avisos del pedido {order}.",
    unsubscribed_all: "Ya no recibirás avisos de entrega de {brand}.",
    link_invalid: "Este enlace no es válido. Si lo has copiado, comprueba que esté completo.",
    lookup_title: "Encuentra tu pedido",
    lookup_intro: "Introduce tu número de pedido y el correo electrónico con el que compraste.",
    order_number: "Número de pedido",
    email: "Correo electrónico",
    lookup_submit: "Buscar mi pedido",
    lookup_not_found: "No encontramos ningún pedido con estos datos. Revísalos e inténtalo de nuevo.",
    lookup_missing: "Introduce tu número de pedido y tu correo electrónico.",
    too_many: "Demasiados intentos. Vuelve a intentarlo en unos minutos.",
    too_large: "Lo que has enviado es demasiado largo.",
};

pub const IT_PAGE: PageWords = PageWords {
    language_name: "Italiano",
    language: "Lingua",
    track_title: "Traccia il tuo ordine",
    progress: "Avanzamento della consegna",
    progress_text: "Passo {n} di {total}: {step}",
    steps: [
        "Etichetta creata",
        "In viaggio",
        "In consegna",
        "Consegnato",
    ],
    pickup_step: "Pronto per il ritiro",
    done: "completato",
    current: "passo attuale",
    delivered_on: "Consegnato il {date}",
    promised: "Avevamo promesso la consegna entro {date}.",
    late_apology: "Ci dispiace che il tuo ordine sia in ritardo.",
    history: "Cronologia della spedizione",
    no_events: "Ancora nessun aggiornamento dal corriere. Appariranno qui appena il pacco verrà scansionato.",
    times_in: "Orari in {zone}.",
    older_events: "Aggiornamenti precedenti",
    local_time: "ora locale del luogo della scansione",
    details: "Dettagli della spedizione",
    carrier_link: "Traccia sul sito del corriere",
    rating_title: "Com'è andata la consegna?",
    star_labels: [
        "1 stella: pessima",
        "2 stelle: scarsa",
        "3 stelle: discreta",
        "4 stelle: buona",
        "5 stelle: eccellente",
    ],
    comment: "Commento (facoltativo)",
    comment_hint: "Al massimo 1000 caratteri.",
    send_rating: "Invia valutazione",
    your_rating: "La tua valutazione: {stars} su 5",
    thanks: "Grazie per il tuo feedback!",
    stars_required: "Scegli da 1 a 5 stelle.",
    comment_too_long: "Il commento è troppo lungo: al massimo 1000 caratteri.",
    not_delivered: "Potrai valutare la consegna quando il pacco sarà arrivato.",
    not_found_title: "Non abbiamo trovato questa spedizione",
    not_found_body: "Il link potrebbe essere incompleto. Usa il link della tua ultima e-mail o messaggio, oppure contatta il negozio.",
    unsubscribe_title: "Aggiornamenti sulla consegna",
    unsubscribe_question: "Non ricevere più aggiornamenti sull'ordine {order}?",
    unsubscribe_order: "Interrompi gli aggiornamenti per questo ordine",
    unsubscribe_all: "Interrompi tutti gli aggiornamenti di consegna di {brand}",
    unsubscribed_order: "Non riceverai più aggiornamenti sull'ordine {order}.",
    unsubscribed_all: "Non riceverai più aggiornamenti di consegna da {brand}.",
    link_invalid: "Questo link non è valido. Se lo hai copiato, controlla che sia completo.",
    lookup_title: "Trova il tuo ordine",
    lookup_intro: "Inserisci il numero d'ordine e l'indirizzo e-mail usato per l'acquisto.",
    order_number: "Numero d'ordine",
    email: "Indirizzo e-mail",
    lookup_submit: "Trova il mio ordine",
    lookup_not_found: "Non abbiamo trovato ordini con questi dati. Controllali e riprova.",
    lookup_missing: "Inserisci il numero d'ordine e l'indirizzo e-mail.",
    too_many: "Troppi tentativi. Riprova tra qualche minuto.",
    too_large: "Il testo inviato è troppo lungo.",
};

pub const NL_PAGE: PageWords = PageWords {
    language_name: "Nederlands",
    language: "Taal",
    track_title: "Volg je bestelling",
    progress: "Voortgang van de bezorging",
    progress_text: "Stap {n} van {total}: {step}",
    steps: [
        "Verzendlabel gemaakt",
        "Onderweg",
        "Wordt vandaag bezorgd",
        "Bezorgd",
    ],
    pickup_step: "Klaar om op te halen",
    done: "voltooid",
    current: "huidige stap",
    delivered_on: "Bezorgd op {date}",
    promised: "We hadden bezorging beloofd uiterlijk {date}.",
    late_apology: "Het spijt ons dat je bestelling later komt.",
    history: "Verzendgeschiedenis",
    no_events: "Nog geen updates van de vervoerder. Ze verschijnen hier zodra je pakket wordt gescand.",
    times_in: "Tijden in {zone}.",
    older_events: "Eerdere updates",
    local_time: "lokale tijd op de scanlocatie",
    details: "Verzendgegevens",
    carrier_link: "Volgen op de website van de vervoerder",
    rating_title: "Hoe was je bezorging?",
    star_labels: [
        "1 ster: heel slecht",
        "2 sterren: slecht",
        "3 sterren: redelijk",
        "4 sterren: goed",
        "5 sterren: uitstekend",
    ],
    comment: "Opmerking (optioneel)",
    comment_hint: "Maximaal 1000 tekens.",
    send_rating: "Beoordeling versturen",
    your_rating: "Jouw beoordeling: {stars} van 5",
    thanks: "Bedankt voor je feedback!",
    stars_required: "Kies 1 tot 5 sterren.",
    comment_too_long: "Je opmerking is te lang: maximaal 1000 tekens.",
    not_delivered: "Je kunt de bezorging beoordelen zodra je pakket is aangekomen.",
    not_found_title: "We konden deze zending niet vinden",
    not_found_body: "De link is misschien onvolledig. Gebruik de link uit je laatste e-mail of bericht, of neem contact op met de winkel.",
    unsubscribe_title: "Bezorgupdates",
    unsubscribe_question: "Geen bezorgupdates meer voor bestelling {order}?",
    unsubscribe_order: "Stop updates voor deze bestelling",
    unsubscribe_all: "Stop alle bezorgupdates van {brand}",
    unsubscribed_order: "Je ontvangt geen updates meer over bestelling {order}.",
    unsubscribed_all: "Je ontvangt geen bezorgupdates meer van {brand}.",
    link_invalid: "Deze link is niet geldig. Als je hem hebt gekopieerd, controleer dan of hij volledig is.",
    lookup_title: "Vind je bestelling",
    lookup_intro: "Vul je bestelnummer in en het e-mailadres waarmee je hebt besteld.",
    order_number: "Bestelnummer",
    email: "E-mailadres",
    lookup_submit: "Zoek mijn bestelling",
    lookup_not_found: "We hebben geen bestelling met deze gegevens gevonden. Controleer ze en probeer het opnieuw.",
    lookup_missing: "Vul je bestelnummer en je e-mailadres in.",
    too_many: "Te veel pogingen. Probeer het over een paar minuten opnieuw.",
    too_large: "Wat je hebt verstuurd is te lang.",
};

pub const PT_BR_PAGE: PageWords = PageWords {
    language_name: "Português (Brasil)",
    language: "Idioma",
    track_title: "Acompanhe seu pedido",
    progress: "Andamento da entrega",
    progress_text: "Etapa {n} de {total}: {step}",
    steps: [
        "Etiqueta criada",
        "A caminho",
        "Saiu para entrega",
        "Entregue",
    ],
    pickup_step: "Pronto para retirada",
    done: "concluída",
    current: "etapa atual",
    delivered_on: "Entregue em {date}",
    promised: "Prometemos a entrega até {date}.",
    late_apology: "Pedimos desculpas pelo atraso do seu pedido.",
    history: "Histórico do envio",
    no_events: "Ainda não há atualizações da transportadora. Elas aparecerão aqui assim que seu pacote for escaneado.",
    times_in: "Horários em {zone}.",
    older_events: "Atualizações anteriores",
    local_time: "horário local do ponto de leitura",
    details: "Detalhes do envio",
    carrier_link: "Acompanhar no site da transportadora",
    rating_title: "Como foi a sua entrega?",
    star_labels: [
        "1 estrela: muito ruim",
        "2 estrelas: ruim",
        "3 estrelas: regular",
        "4 estrelas: boa",
        "5 estrelas: excelente",
    ],
    comment: "Comentário (opcional)",
    comment_hint: "No máximo 1000 caracteres.",
    send_rating: "Enviar avaliação",
    your_rating: "Sua avaliação: {stars} de 5",
    thanks: "Obrigado pela sua opinião!",
    stars_required: "Escolha de 1 a 5 estrelas.",
    comment_too_long: "Seu comentário é longo demais: no máximo 1000 caracteres.",
    not_delivered: "Você poderá avaliar a entrega quando seu pacote chegar.",
    not_found_title: "Não encontramos este envio",
    not_found_body: "O link pode estar incompleto. Use o link do seu último e-mail ou mensagem, ou fale com a loja.",
    unsubscribe_title: "Avisos de entrega",
    unsubscribe_question: "Parar de receber avisos do pedido {order}?",
    unsubscribe_order: "Parar avisos deste pedido",
    unsubscribe_all: "Parar todos os avisos de entrega de {brand}",
    unsubscribed_order: "Você não receberá mais avisos do pedido {order}.",
    unsubscribed_all: "Você não receberá mais avisos de entrega de {brand}.",
    link_invalid: "Este link não é válido. Se você o copiou, verifique se está completo.",
    lookup_title: "Encontre seu pedido",
    lookup_intro: "Informe o número do pedido e o e-mail usado na compra.",
    order_number: "Número do pedido",
    email: "E-mail",
    lookup_submit: "Encontrar meu pedido",
    lookup_not_found: "Não encontramos nenhum pedido com esses dados. Confira e tente novamente.",
    lookup_missing: "Informe o número do pedido e o seu e-mail.",
    too_many: "Tentativas demais. Tente novamente em alguns minutos.",
    too_large: "O que você enviou é longo demais.",
};

pub const JA_PAGE: PageWords = PageWords {
    language_name: "日本語",
    language: "言語",
    track_title: "ご注文の配送状況",
    progress: "配送の進捗",
    progress_text: "ステップ {n}/{total}：{step}",
    steps: ["送り状作成済み", "配送中", "配達中", "配達完了"],
    pickup_step: "受け取り可能",
    done: "完了",
    current: "現在のステップ",
    delivered_on: "{date}に配達済み",
    promised: "{date}までのお届けをお約束していました。",
    late_apology: "ご注文のお届けが遅れており、申し訳ございません。",
    history: "配送履歴",
    no_events: "配送業者からの更新はまだありません。荷物がスキャンされ次第、ここに表示されます。",
    times_in: "時刻は{zone}で表示しています。",
    older_events: "以前の更新",
    local_time: "スキャン地点の現地時刻",
    details: "配送の詳細",
    carrier_link: "配送業者のサイトで追跡",
    rating_title: "配送はいかがでしたか？",
    star_labels: [
        "星1つ：とても悪い",
        "星2つ：悪い",
        "星3つ：普通",
        "星4つ：良い",
        "星5つ：とても良い",
    ],
    comment: "コメント（任意）",
    comment_hint: "1000文字以内。",
    send_rating: "評価を送信",
    your_rating: "あなたの評価：5段階中{stars}",
    thanks: "ご意見ありがとうございます。",
    stars_required: "星1つから5つの中からお選びください。",
    comment_too_long: "コメントが長すぎます。1000文字以内でご記入ください。",
    not_delivered: "荷物の到着後に配送を評価いただけます。",
    not_found_title: "この配送が見つかりません",
    not_found_body: "リンクが不完全な可能性があります。最新のメールまたはメッセージのリンクをご利用いただくか、ショップにお問い合わせください。",
    unsubscribe_title: "配送のお知らせ",
    unsubscribe_question: "ご注文{order}の配送のお知らせを停止しますか？",
    unsubscribe_order: "このご注文のお知らせを停止",
    unsubscribe_all: "{brand}からの配送のお知らせをすべて停止",
    unsubscribed_order: "ご注文{order}のお知らせは今後お送りしません。",
    unsubscribed_all: "{brand}からの配送のお知らせは今後お送りしません。",
    link_invalid: "このリンクは無効です。コピーした場合は、リンク全体がコピーされているかご確認ください。",
    lookup_title: "ご注文を探す",
    lookup_intro: "注文番号とご注文時のメールアドレスを入力してください。",
    order_number: "注文番号",
    email: "メールアドレス",
    lookup_submit: "注文を探す",
    lookup_not_found: "入力された情報に一致するご注文が見つかりませんでした。内容をご確認のうえ、もう一度お試しください。",
    lookup_missing: "注文番号とメールアドレスを入力してください。",
    too_many: "試行回数が多すぎます。数分後にもう一度お試しください。",
    too_large: "送信内容が長すぎます。",
};

/// The page words of a built-in locale.
pub fn page_words(locale: &Locale) -> &'static PageWords {
    match locale.tag {
        "de" => &DE_PAGE,
        "fr" => &FR_PAGE,
        "es" => &ES_PAGE,
        "it" => &IT_PAGE,
        "nl" => &NL_PAGE,
        "pt-BR" => &PT_BR_PAGE,
        "ja" => &JA_PAGE,
        _ => &EN_PAGE,
    }
}

fn language(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

/// The built-in locale a tag asks for: the same tag, else the same language.
pub fn matching(tag: &str) -> Option<&'static Locale> {
    let tag = tag.trim();
    if tag.is_empty() {
        return None;
    }
    ALL.iter()
        .copied()
        .find(|l| l.tag.eq_ignore_ascii_case(tag))
        .or_else(|| {
            ALL.iter()
                .copied()
                .find(|l| language(l.tag).eq_ignore_ascii_case(language(tag)))
        })
}

/// `Accept-Language` ranges by preference: highest q first, ties in header order, q=0
/// (and unparsable q) left out.
pub fn accepted_languages(header: &str) -> Vec<&str> {
    let mut ranges: Vec<(u16, usize, &str)> = header
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut pieces = part.split(';');
            let tag = pieces.next()?.trim();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1000), |q| {
                    q.trim()
                        .parse::<f32>()
                        .ok()
                        .filter(|q| (0.0..=1.0).contains(q))
                        .map(|q| (q * 1000.0).round() as u16)
                })?;
            (q > 0 && !tag.is_empty() && tag != "*").then_some((q, i, tag))
        })
        .collect();
    ranges.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranges.into_iter().map(|(_, _, tag)| tag).collect()
}

/// A page's locale: the switcher's explicit choice (`?lang=`), then the shipment's locale,
/// then the browser's `Accept-Language`, then the merchant's default, then English.
pub fn page_locale(
    chosen: Option<&str>,
    customer: Option<&str>,
    accept_language: Option<&str>,
    merchant_default: &str,
) -> &'static Locale {
    let exact = |tag: &str| {
        ALL.iter()
            .copied()
            .find(|l| l.tag.eq_ignore_ascii_case(tag))
    };
    chosen
        .and_then(exact)
        .or_else(|| customer.and_then(matching))
        .or_else(|| {
            accept_language
                .map(accepted_languages)
                .unwrap_or_default()
                .into_iter()
                .find_map(matching)
        })
        .or_else(|| matching(merchant_default))
        .unwrap_or(&EN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_choice_beats_shipment_beats_browser_beats_merchant() {
        let pick = |c, s, a, m| page_locale(c, s, a, m).tag;
        assert_eq!(pick(Some("fr"), Some("de-DE"), Some("ja"), "en"), "fr");
        assert_eq!(pick(Some("xx"), Some("de-DE"), Some("ja"), "en"), "de");
        assert_eq!(pick(None, Some("sv-SE"), Some("ja,de;q=0.9"), "en"), "ja");
        assert_eq!(pick(None, None, Some("sv, nl;q=0.5, it;q=0.8"), "en"), "it");
        assert_eq!(pick(None, None, Some("sv, pt-PT;q=0.3"), "en"), "pt-BR");
        assert_eq!(pick(None, None, Some("de;q=0, sv"), "es"), "es");
        assert_eq!(pick(None, None, None, "xx"), "en");
    }

    #[test]
    fn a_shipment_without_locale_follows_the_browser_then_the_merchant() {
        let pick = |a, m| page_locale(None, None, a, m).tag;
        assert_eq!(pick(Some("fr-CH, de;q=0.5"), "es"), "fr");
        assert_eq!(pick(Some("sv, xx"), "es"), "es");
        assert_eq!(pick(None, "de-DE"), "de");
        assert_eq!(page_locale(Some("it"), None, Some("fr"), "es").tag, "it");
    }

    #[test]
    fn accept_language_sorts_by_q_and_keeps_header_order_on_ties() {
        assert_eq!(
            accepted_languages("en;q=0.5, de, fr;q=0.5, ja;q=bogus, *, it;q=0"),
            ["de", "en", "fr"]
        );
    }

    #[test]
    fn every_locale_has_its_own_page_words_without_empty_text() {
        let mut names = std::collections::BTreeSet::new();
        for locale in ALL {
            let w = page_words(locale);
            assert!(names.insert(w.language_name), "{}", locale.tag);
            assert!(w.steps.iter().chain(&w.star_labels).all(|s| !s.is_empty()));
            if locale.tag != "en" {
                assert_ne!(w.rating_title, EN_PAGE.rating_title, "{}", locale.tag);
                assert_ne!(w.thanks, EN_PAGE.thanks, "{}", locale.tag);
            }
            for (text, needs) in [
                (w.progress_text, "{step}"),
                (w.delivered_on, "{date}"),
                (w.promised, "{date}"),
                (w.times_in, "{zone}"),
                (w.your_rating, "{stars}"),
                (w.unsubscribe_question, "{order}"),
                (w.unsubscribe_all, "{brand}"),
                (w.unsubscribed_order, "{order}"),
                (w.unsubscribed_all, "{brand}"),
            ] {
                assert!(text.contains(needs), "{}: {text}", locale.tag);
            }
        }
    }
}

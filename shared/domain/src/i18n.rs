//! Customer-facing words in every built-in locale: message copy per milestone, the labels
//! around it, reason phrases and date formats. Pure data; `render` puts it together.
//!
//! Placeholders in copy: `{order}`, `{brand}`, `{attempt}`, `{old}`, `{new}`, `{reason}`,
//! `{name}` (the customer's first name). Nothing else in braces.

use crate::milestone::Milestone;
use crate::reason::Reason;

pub mod page;

/// The built-in locales, as BCP 47 tags.
pub const LOCALES: [&str; 8] = ["en", "de", "fr", "es", "it", "nl", "pt-BR", "ja"];

/// What one milestone says, in one locale.
#[derive(Debug, Clone, Copy)]
pub struct Copy {
    pub subject: &'static str,
    /// Large heading in the email.
    pub headline: &'static str,
    /// The email's main paragraph.
    pub body: &'static str,
    /// The SMS text, before the tracking link is appended.
    pub sms: &'static str,
}

/// The words around the copy, in one locale.
#[derive(Debug, Clone, Copy)]
pub struct Labels {
    /// e.g. "Hi {name},"
    pub greeting: &'static str,
    pub order: &'static str,
    pub carrier: &'static str,
    pub tracking_number: &'static str,
    pub track_button: &'static str,
    pub expected_delivery: &'static str,
    pub signed_by: &'static str,
    pub pickup_point: &'static str,
    pub pickup_address: &'static str,
    pub pickup_hours: &'static str,
    /// Heading of the recommendations block ("You might also like").
    pub recommendations: &'static str,
    /// Delay apology with a discount: "As an apology, here is a discount: {code}"
    pub discount: &'static str,
    /// Footer: "Questions? Contact us"
    pub support: &'static str,
    /// Footer link text: "Unsubscribe from delivery updates"
    pub unsubscribe: &'static str,
    /// Delay copy when the carrier gave a new date: "The new expected delivery date is {new}."
    pub new_date_known: &'static str,
    /// Delay copy without a new date: "We will tell you the new date as soon as we know it."
    pub new_date_unknown: &'static str,
    /// SMS variants of the two above (short): "New date: {new}." / "We will update you."
    pub sms_new_date_known: &'static str,
    pub sms_new_date_unknown: &'static str,
    /// Fallback for `{old}` when no date was promised: "the expected day"
    pub expected_day: &'static str,
    /// Fallback reason phrase: "the carrier could not complete the delivery"
    pub reason_fallback: &'static str,
}

/// Date words and patterns of one locale. Patterns use `{weekday}`, `{day}`, `{month}`
/// (full month name), `{mon}` (abbreviated), `{year}`, `{m}` (month number).
#[derive(Debug, Clone, Copy)]
pub struct DateWords {
    pub weekdays: [&'static str; 7], // Monday first
    pub months: [&'static str; 12],
    pub months_short: [&'static str; 12],
    /// e.g. en "{weekday}, {month} {day}", de "{weekday}, {day}. {month}"
    pub long: &'static str,
    /// e.g. en "{mon} {day}", de "{day}.{m}.", ja "{m}月{day}日"
    pub short: &'static str,
    /// The same with the year, for a date outside the current year.
    pub long_year: &'static str,
    pub short_year: &'static str,
}

#[derive(Debug, Clone, Copy)]
pub struct Locale {
    pub tag: &'static str,
    pub copy: &'static [(Milestone, Copy)],
    pub labels: Labels,
    pub reasons: &'static [(Reason, &'static str)],
    pub dates: DateWords,
}

// ---------------------------------------------------------------------------------------
// The locales. Reason phrases complete "The carrier reported a problem: {reason}." in
// each language; `{new}` in delay copy is a whole sentence (`new_date_*` in email,
// `sms_new_date_*` in SMS), so it comes last.
// ---------------------------------------------------------------------------------------

/// English: the voice the other locales follow.
pub const EN: Locale = Locale {
    tag: "en",
    copy: &[
        (
            Milestone::LabelCreated,
            Copy {
                subject: "Your order {order} is being prepared for shipping",
                headline: "Getting ready to ship",
                body: "The shipping label for your parcel has been created. We will let you know as soon as the carrier has it.",
                sms: "{brand}: order {order} is being prepared for shipping.",
            },
        ),
        (
            Milestone::InTransit,
            Copy {
                subject: "Your order {order} is on its way",
                headline: "Your order is on its way",
                body: "Good news: the carrier has your parcel and it is on its way to you.",
                sms: "{brand}: your order {order} is on its way.",
            },
        ),
        (
            Milestone::OutForDelivery,
            Copy {
                subject: "Your order {order} is out for delivery today",
                headline: "Out for delivery today",
                body: "Your parcel is with the driver and will be delivered today.",
                sms: "{brand}: your order {order} is out for delivery today.",
            },
        ),
        (
            Milestone::AvailableForPickup,
            Copy {
                subject: "Your order {order} is ready for pickup",
                headline: "Ready for pickup",
                body: "Your parcel is waiting for you at the pickup point below. Bring an ID or your pickup code.",
                sms: "{brand}: order {order} is ready for pickup.",
            },
        ),
        (
            Milestone::AttemptFailed,
            Copy {
                subject: "We missed you: delivery attempt {attempt} for order {order}",
                headline: "Sorry we missed you",
                body: "The carrier tried to deliver your parcel (attempt {attempt}) but could not. Check the tracking page for the next attempt or a pickup option.",
                sms: "{brand}: delivery attempt {attempt} for order {order} failed.",
            },
        ),
        (
            Milestone::Delivered,
            Copy {
                subject: "Your order {order} has been delivered",
                headline: "Delivered",
                body: "Your parcel has been delivered. We hope you enjoy it!",
                sms: "{brand}: your order {order} has been delivered.",
            },
        ),
        (
            Milestone::Exception,
            Copy {
                subject: "There is a problem with the delivery of order {order}",
                headline: "A problem with your delivery",
                body: "The carrier reported a problem: {reason}. We are looking into it and will keep you posted.",
                sms: "{brand}: there is a problem delivering order {order}. Details:",
            },
        ),
        (
            Milestone::Delayed,
            Copy {
                subject: "Your order {order} is running late",
                headline: "Sorry, your order is running late",
                body: "We are sorry: your parcel will not arrive on {old}. {new}",
                sms: "{brand}: sorry, order {order} is running late. {new}",
            },
        ),
        (
            Milestone::Stalled,
            Copy {
                subject: "An update on your order {order}",
                headline: "We are checking on your parcel",
                body: "Your parcel has not had a carrier scan for a few days. We have asked the carrier and will let you know as soon as it moves.",
                sms: "{brand}: we are checking with the carrier on order {order}.",
            },
        ),
        (
            Milestone::ReturningToSender,
            Copy {
                subject: "Your order {order} is on its way back to us",
                headline: "Returning to us",
                body: "The carrier is returning your parcel to us. We will be in touch about a new delivery or a refund.",
                sms: "{brand}: order {order} is being returned to us. We will be in touch.",
            },
        ),
        (
            Milestone::ReturnedToSender,
            Copy {
                subject: "Your order {order} has come back to us",
                headline: "Returned to us",
                body: "Your parcel has been returned to us. We will contact you about a new delivery or a refund.",
                sms: "{brand}: order {order} has come back to us. We will be in touch.",
            },
        ),
    ],
    labels: Labels {
        greeting: "Hi {name},",
        order: "Order",
        carrier: "Carrier",
        tracking_number: "Tracking number",
        track_button: "Track your parcel",
        expected_delivery: "Expected delivery",
        signed_by: "Signed for by",
        pickup_point: "Pickup point",
        pickup_address: "Address",
        pickup_hours: "Opening hours",
        recommendations: "You might also like",
        discount: "As an apology, here is a discount: {code}",
        support: "Questions? Contact us",
        unsubscribe: "Unsubscribe from delivery updates",
        new_date_known: "The new expected delivery date is {new}.",
        new_date_unknown: "We will tell you the new date as soon as the carrier has it.",
        sms_new_date_known: "New date: {new}.",
        sms_new_date_unknown: "We will update you.",
        expected_day: "the expected day",
        reason_fallback: "the carrier could not complete the delivery",
    },
    reasons: &[
        (
            Reason::AddressIssue,
            "the address could not be found or is incomplete",
        ),
        (Reason::RecipientMoved, "the recipient has moved"),
        (Reason::Refused, "the parcel was refused"),
        (
            Reason::AwaitingPayment,
            "duties or fees are due before delivery",
        ),
        (Reason::MissingDocuments, "customs needs more documents"),
        (Reason::CustomsDelay, "it is held in customs"),
        (
            Reason::CustomsProcessing,
            "it is being processed by customs",
        ),
        (Reason::HeldByCarrier, "the carrier is holding it"),
        (Reason::Damaged, "the parcel was damaged"),
        (Reason::Lost, "the parcel is lost"),
        (Reason::Disposed, "the parcel was disposed of"),
        (Reason::Undeliverable, "it cannot be delivered"),
        (Reason::Unclaimed, "the parcel was not collected"),
        (Reason::RejectedByCarrier, "the carrier could not accept it"),
        (Reason::WeatherDelay, "bad weather"),
        (Reason::CarrierDelay, "a delay in the carrier's network"),
        (
            Reason::ExternalDelay,
            "circumstances outside the carrier's control",
        ),
        (Reason::Missorted, "the parcel was sent to the wrong depot"),
        (Reason::LateFlight, "a delayed flight"),
        (Reason::AccessIssue, "the driver could not get access"),
        (Reason::BusinessClosed, "the business was closed"),
        (
            Reason::RecipientUnavailable,
            "nobody was available to receive it",
        ),
        (Reason::PickupMissed, "the parcel was not collected in time"),
        (
            Reason::ContactCarrier,
            "the carrier asks you to contact them",
        ),
        (Reason::NoticeLeft, "the driver left a delivery notice"),
    ],
    dates: DateWords {
        weekdays: [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ],
        months: [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        months_short: [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ],
        long: "{weekday}, {month} {day}",
        short: "{mon} {day}",
        long_year: "{weekday}, {month} {day}, {year}",
        short_year: "{mon} {day}, {year}",
    },
};

/// German, "Sie". Reason phrases are whole sentences: after a colon German capitalises
/// a whole sentence, and nouns anyway, so every phrase starts with a capital.
pub const DE: Locale = Locale {
    tag: "de",
    copy: &[
        (
            Milestone::LabelCreated,
            Copy {
                subject: "Ihre Bestellung {order} wird für den Versand vorbereitet",
                headline: "Wir bereiten den Versand vor",
                body: "Das Versandetikett für Ihr Paket wurde erstellt. Wir melden uns, sobald der Paketdienst es übernommen hat.",
                sms: "{brand}: Ihre Bestellung {order} wird für den Versand vorbereitet.",
            },
        ),
        (
            Milestone::InTransit,
            Copy {
                subject: "Ihre Bestellung {order} ist unterwegs",
                headline: "Ihre Bestellung ist unterwegs",
                body: "Gute Nachricht: Ihr Paket ist beim Paketdienst und auf dem Weg zu Ihnen.",
                sms: "{brand}: Ihre Bestellung {order} ist unterwegs.",
            },
        ),
        (
            Milestone::OutForDelivery,
            Copy {
                subject: "Ihre Bestellung {order} wird heute zugestellt",
                headline: "Ihr Paket kommt heute",
                body: "Ihr Paket ist im Zustellfahrzeug und wird heute zugestellt.",
                sms: "{brand}: Ihre Bestellung {order} wird heute zugestellt.",
            },
        ),
        (
            Milestone::AvailableForPickup,
            Copy {
                subject: "Ihre Bestellung {order} liegt zur Abholung bereit",
                headline: "Bereit zur Abholung",
                body: "Ihr Paket wartet an der unten genannten Abholstelle auf Sie. Bitte bringen Sie einen Ausweis oder Ihren Abholcode mit.",
                sms: "{brand}: Ihre Bestellung {order} liegt zur Abholung bereit.",
            },
        ),
        (
            Milestone::AttemptFailed,
            Copy {
                subject: "Leider nicht angetroffen: Zustellversuch {attempt} für Bestellung {order}",
                headline: "Leider haben wir Sie nicht angetroffen",
                body: "Der Paketdienst hat versucht, Ihr Paket zuzustellen (Zustellversuch {attempt}), leider ohne Erfolg. In der Sendungsverfolgung sehen Sie den nächsten Zustellversuch oder eine Möglichkeit zur Abholung.",
                sms: "{brand}: Zustellversuch {attempt} für Bestellung {order} war leider nicht erfolgreich.",
            },
        ),
        (
            Milestone::Delivered,
            Copy {
                subject: "Ihre Bestellung {order} wurde zugestellt",
                headline: "Zugestellt",
                body: "Ihr Paket wurde zugestellt. Wir wünschen Ihnen viel Freude damit!",
                sms: "{brand}: Ihre Bestellung {order} wurde zugestellt.",
            },
        ),
        (
            Milestone::Exception,
            Copy {
                subject: "Problem bei der Zustellung Ihrer Bestellung {order}",
                headline: "Ein Problem bei der Zustellung",
                body: "Der Paketdienst hat ein Problem gemeldet: {reason}. Wir kümmern uns darum und halten Sie auf dem Laufenden.",
                sms: "{brand}: Bei der Zustellung Ihrer Bestellung {order} gibt es ein Problem. Details:",
            },
        ),
        (
            Milestone::Delayed,
            Copy {
                subject: "Ihre Bestellung {order} verspätet sich",
                headline: "Ihre Bestellung verspätet sich leider",
                body: "Es tut uns leid: Ihr Paket kommt nicht am {old} an. {new}",
                sms: "{brand}: Entschuldigung, Ihre Bestellung {order} verspätet sich. {new}",
            },
        ),
        (
            Milestone::Stalled,
            Copy {
                subject: "Neuigkeiten zu Ihrer Bestellung {order}",
                headline: "Wir fragen beim Paketdienst nach",
                body: "Ihr Paket wurde seit einigen Tagen nicht mehr vom Paketdienst erfasst. Wir haben nachgefragt und melden uns, sobald es weitergeht.",
                sms: "{brand}: Wir klären den Status Ihrer Bestellung {order} mit dem Paketdienst.",
            },
        ),
        (
            Milestone::ReturningToSender,
            Copy {
                subject: "Ihre Bestellung {order} wird an uns zurückgeschickt",
                headline: "Auf dem Rückweg zu uns",
                body: "Der Paketdienst schickt Ihr Paket an uns zurück. Wir melden uns bei Ihnen, um eine erneute Zustellung oder eine Erstattung zu besprechen.",
                sms: "{brand}: Ihre Bestellung {order} wird an uns zurückgeschickt. Wir melden uns.",
            },
        ),
        (
            Milestone::ReturnedToSender,
            Copy {
                subject: "Ihre Bestellung {order} ist zu uns zurückgekommen",
                headline: "Wieder bei uns",
                body: "Ihr Paket ist wieder bei uns eingetroffen. Wir melden uns bei Ihnen wegen einer erneuten Zustellung oder einer Erstattung.",
                sms: "{brand}: Ihre Bestellung {order} ist wieder bei uns eingetroffen. Wir melden uns.",
            },
        ),
    ],
    labels: Labels {
        greeting: "Hallo {name},",
        order: "Bestellung",
        carrier: "Paketdienst",
        tracking_number: "Sendungsnummer",
        track_button: "Sendung verfolgen",
        expected_delivery: "Voraussichtliche Zustellung",
        signed_by: "Unterschrieben von",
        pickup_point: "Abholstelle",
        pickup_address: "Adresse",
        pickup_hours: "Öffnungszeiten",
        recommendations: "Das könnte Ihnen auch gefallen",
        discount: "Als kleine Entschuldigung schenken wir Ihnen einen Rabatt: {code}",
        support: "Fragen? Kontaktieren Sie uns",
        unsubscribe: "Versandbenachrichtigungen abbestellen",
        new_date_known: "Neuer voraussichtlicher Liefertermin: {new}.",
        new_date_unknown: "Sobald der Paketdienst uns einen neuen Termin nennt, geben wir Ihnen Bescheid.",
        // The short date ("2.10.") ends with its own full stop.
        sms_new_date_known: "Neuer Termin: {new}",
        sms_new_date_unknown: "Wir melden uns.",
        // "nicht am {old} an"
        expected_day: "erwarteten Liefertag",
        reason_fallback: "Der Paketdienst konnte die Zustellung nicht abschließen",
    },
    reasons: &[
        (
            Reason::AddressIssue,
            "Die Adresse wurde nicht gefunden oder ist unvollständig",
        ),
        (Reason::RecipientMoved, "Der Empfänger ist verzogen"),
        (Reason::Refused, "Die Annahme des Pakets wurde verweigert"),
        (
            Reason::AwaitingPayment,
            "Vor der Zustellung sind Zölle oder Gebühren zu bezahlen",
        ),
        (
            Reason::MissingDocuments,
            "Der Zoll benötigt weitere Unterlagen",
        ),
        (
            Reason::CustomsDelay,
            "Das Paket wird vom Zoll zurückgehalten",
        ),
        (
            Reason::CustomsProcessing,
            "Das Paket wird gerade vom Zoll abgefertigt",
        ),
        (
            Reason::HeldByCarrier,
            "Der Paketdienst hält das Paket zurück",
        ),
        (Reason::Damaged, "Das Paket wurde beschädigt"),
        (Reason::Lost, "Das Paket ist verloren gegangen"),
        (Reason::Disposed, "Das Paket wurde entsorgt"),
        (
            Reason::Undeliverable,
            "Das Paket kann nicht zugestellt werden",
        ),
        (Reason::Unclaimed, "Das Paket wurde nicht abgeholt"),
        (
            Reason::RejectedByCarrier,
            "Der Paketdienst konnte das Paket nicht annehmen",
        ),
        (
            Reason::WeatherDelay,
            "Schlechtes Wetter verzögert die Zustellung",
        ),
        (
            Reason::CarrierDelay,
            "Beim Paketdienst kommt es zu Verzögerungen",
        ),
        (
            Reason::ExternalDelay,
            "Umstände, auf die der Paketdienst keinen Einfluss hat, verzögern die Zustellung",
        ),
        (Reason::Missorted, "Das Paket wurde falsch sortiert"),
        (Reason::LateFlight, "Ein Flug hatte Verspätung"),
        (
            Reason::AccessIssue,
            "Der Zusteller kam nicht bis zur Lieferadresse",
        ),
        (
            Reason::BusinessClosed,
            "Die Firma war zum Zustellzeitpunkt geschlossen",
        ),
        (
            Reason::RecipientUnavailable,
            "Bei der Zustellung war niemand anzutreffen",
        ),
        (
            Reason::PickupMissed,
            "Das Paket wurde nicht rechtzeitig abgeholt",
        ),
        (
            Reason::ContactCarrier,
            "Der Paketdienst bittet Sie, sich bei ihm zu melden",
        ),
        (
            Reason::NoticeLeft,
            "Der Zusteller hat eine Benachrichtigungskarte hinterlassen",
        ),
    ],
    dates: DateWords {
        weekdays: [
            "Montag",
            "Dienstag",
            "Mittwoch",
            "Donnerstag",
            "Freitag",
            "Samstag",
            "Sonntag",
        ],
        months: [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ],
        months_short: [
            "Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.",
            "Dez.",
        ],
        long: "{weekday}, {day}. {month}",
        short: "{day}.{m}.",
        long_year: "{weekday}, {day}. {month} {year}",
        short_year: "{day}.{m}.{year}",
    },
};

/// French, "vous". Email copy uses a no-break space before `:`, `?` and `!`; SMS copy
/// uses a plain space (GSM-7 has no no-break space).
pub const FR: Locale = Locale {
    tag: "fr",
    copy: &[
        (
            Milestone::LabelCreated,
            Copy {
                subject: "Votre commande {order} est en cours de préparation",
                headline: "Expédition en préparation",
                body: "L’étiquette d’expédition de votre colis a été créée. Nous vous préviendrons dès que le transporteur l’aura pris en charge.",
                sms: "{brand} : votre commande {order} est en cours de préparation.",
            },
        ),
        (
            Milestone::InTransit,
            Copy {
                subject: "Votre commande {order} est en route",
                headline: "Votre commande est en route",
                body: "Bonne nouvelle\u{a0}: le transporteur a pris en charge votre colis, qui est en route vers vous.",
                sms: "{brand} : votre commande {order} est en route.",
            },
        ),
        (
            Milestone::OutForDelivery,
            Copy {
                subject: "Votre commande {order} sera livrée aujourd’hui",
                headline: "Livraison aujourd’hui",
                body: "Votre colis est entre les mains du livreur et sera livré aujourd’hui.",
                sms: "{brand} : votre commande {order} sera livrée aujourd'hui.",
            },
        ),
        (
            Milestone::AvailableForPickup,
            Copy {
                subject: "Votre commande {order} vous attend en point de retrait",
                headline: "Disponible au retrait",
                body: "Votre colis vous attend au point de retrait indiqué ci-dessous. Munissez-vous d’une pièce d’identité ou de votre code de retrait.",
                sms: "{brand} : votre commande {order} vous attend en point de retrait.",
            },
        ),
        (
            Milestone::AttemptFailed,
            Copy {
                subject: "Tentative de livraison n°\u{a0}{attempt} sans succès pour votre commande {order}",
                headline: "Livraison manquée",
                body: "Le transporteur a tenté de livrer votre colis (tentative n°\u{a0}{attempt}), sans succès. Consultez la page de suivi pour connaître la prochaine tentative ou les options de retrait.",
                sms: "{brand} : tentative de livraison {attempt} sans succès pour votre commande {order}.",
            },
        ),
        (
            Milestone::Delivered,
            Copy {
                subject: "Votre commande {order} a été livrée",
                headline: "Votre colis est arrivé",
                body: "Votre colis a été livré. Nous espérons qu’il vous plaira\u{a0}!",
                sms: "{brand} : votre commande {order} a été livrée.",
            },
        ),
        (
            Milestone::Exception,
            Copy {
                subject: "Un problème est survenu lors de la livraison de votre commande {order}",
                headline: "Un problème avec votre livraison",
                body: "Le transporteur a signalé un problème\u{a0}: {reason}. Nous nous en occupons et reviendrons vers vous dès que possible.",
                sms: "{brand} : problème de livraison pour votre commande {order}. Détails :",
            },
        ),
        (
            Milestone::Delayed,
            Copy {
                subject: "Votre commande {order} a du retard",
                headline: "Désolés, votre commande a du retard",
                body: "Nous sommes désolés\u{a0}: votre colis n’arrivera pas le {old}. {new}",
                sms: "{brand} : désolés, votre commande {order} a du retard. {new}",
            },
        ),
        (
            Milestone::Stalled,
            Copy {
                subject: "Point sur votre commande {order}",
                headline: "Nous vérifions où en est votre colis",
                body: "Votre colis n’a pas été scanné par le transporteur depuis quelques jours. Nous l’avons contacté et vous préviendrons dès que l’acheminement reprendra.",
                sms: "{brand} : nous vérifions auprès du transporteur où en est votre commande {order}.",
            },
        ),
        (
            Milestone::ReturningToSender,
            Copy {
                subject: "Votre commande {order} est en cours de retour vers nous",
                headline: "Retour en cours",
                body: "Le transporteur nous retourne votre colis. Nous reviendrons vers vous pour organiser une nouvelle livraison ou un remboursement.",
                sms: "{brand} : votre commande {order} est en cours de retour. Nous revenons vers vous.",
            },
        ),
        (
            Milestone::ReturnedToSender,
            Copy {
                subject: "Votre commande {order} nous a été retournée",
                headline: "Colis retourné",
                body: "Votre colis nous a été retourné. Nous vous contacterons pour organiser une nouvelle livraison ou un remboursement.",
                sms: "{brand} : votre commande {order} nous a été retournée. Nous revenons vers vous.",
            },
        ),
    ],
    labels: Labels {
        greeting: "Bonjour {name},",
        order: "Commande",
        carrier: "Transporteur",
        tracking_number: "Numéro de suivi",
        track_button: "Suivre mon colis",
        expected_delivery: "Livraison prévue",
        signed_by: "Réceptionné par",
        pickup_point: "Point de retrait",
        pickup_address: "Adresse",
        pickup_hours: "Horaires d’ouverture",
        recommendations: "Vous aimerez aussi",
        discount: "Pour nous excuser, voici un code de réduction\u{a0}: {code}",
        support: "Une question\u{a0}? Contactez-nous",
        unsubscribe: "Ne plus recevoir les notifications de livraison",
        new_date_known: "La nouvelle date de livraison prévue est le {new}.",
        new_date_unknown: "Nous vous communiquerons la nouvelle date dès que le transporteur nous l’aura indiquée.",
        // Abbreviated months end with their own full stop ("2 oct.").
        sms_new_date_known: "Nouvelle date : {new}",
        sms_new_date_unknown: "Nous revenons vers vous.",
        // "n'arrivera pas le {old}"
        expected_day: "jour prévu",
        reason_fallback: "le transporteur n’a pas pu effectuer la livraison",
    },
    reasons: &[
        (
            Reason::AddressIssue,
            "l’adresse est introuvable ou incomplète",
        ),
        (Reason::RecipientMoved, "le destinataire a déménagé"),
        (Reason::Refused, "le colis a été refusé"),
        (
            Reason::AwaitingPayment,
            "des droits ou des frais doivent être réglés avant la livraison",
        ),
        (
            Reason::MissingDocuments,
            "la douane demande des documents supplémentaires",
        ),
        (Reason::CustomsDelay, "le colis est retenu en douane"),
        (
            Reason::CustomsProcessing,
            "le colis est en cours de dédouanement",
        ),
        (
            Reason::HeldByCarrier,
            "le colis est bloqué chez le transporteur",
        ),
        (Reason::Damaged, "le colis a été endommagé"),
        (Reason::Lost, "le colis a été perdu"),
        (Reason::Disposed, "le colis a été détruit"),
        (Reason::Undeliverable, "le colis ne peut pas être livré"),
        (Reason::Unclaimed, "le colis n’a pas été retiré"),
        (
            Reason::RejectedByCarrier,
            "le transporteur n’a pas pu accepter le colis",
        ),
        (
            Reason::WeatherDelay,
            "de mauvaises conditions météorologiques",
        ),
        (
            Reason::CarrierDelay,
            "un retard dans le réseau du transporteur",
        ),
        (
            Reason::ExternalDelay,
            "des circonstances indépendantes du transporteur",
        ),
        (Reason::Missorted, "le colis a été mal acheminé"),
        (Reason::LateFlight, "un vol a été retardé"),
        (
            Reason::AccessIssue,
            "le livreur n’a pas pu accéder à l’adresse",
        ),
        (Reason::BusinessClosed, "l’établissement était fermé"),
        (
            Reason::RecipientUnavailable,
            "personne n’était présent pour réceptionner le colis",
        ),
        (Reason::PickupMissed, "le colis n’a pas été retiré à temps"),
        (
            Reason::ContactCarrier,
            "le transporteur vous demande de le contacter",
        ),
        (Reason::NoticeLeft, "le livreur a laissé un avis de passage"),
    ],
    dates: DateWords {
        weekdays: [
            "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
        ],
        months: [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
        months_short: [
            "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
            "nov.", "déc.",
        ],
        long: "{weekday} {day} {month}",
        short: "{day} {mon}",
        long_year: "{weekday} {day} {month} {year}",
        short_year: "{day} {mon} {year}",
    },
};

/// Spanish (Spain), "tú".
pub const ES: Locale = Locale {
    tag: "es",
    copy: &[
        (
            Milestone::LabelCreated,
            Copy {
                subject: "Estamos preparando el envío de tu pedido {order}",
                headline: "Preparando el envío",
                body: "Ya hemos creado la etiqueta de envío de tu paquete. Te avisaremos en cuanto lo recoja el transportista.",
                sms: "{brand}: estamos preparando tu pedido {order} para enviarlo.",
            },
        ),
        (
            Milestone::InTransit,
            Copy {
                subject: "Tu pedido {order} ya va de camino",
                headline: "Tu pedido va de camino",
                body: "¡Buenas noticias! El transportista ya tiene tu paquete y va de camino hacia ti.",
                sms: "{brand}: tu pedido {order} ya va de camino.",
            },
        ),
        (
            Milestone::OutForDelivery,
            Copy {
                subject: "Tu pedido {order} llega hoy",
                headline: "En reparto hoy",
                body: "Tu paquete ya está con el repartidor y se entregará hoy.",
                sms: "{brand}: tu pedido {order} llega hoy.",
            },
        ),
        (
            Milestone::AvailableForPickup,
            Copy {
                subject: "Tu pedido {order} ya se puede recoger",
                headline: "Listo para recoger",
                body: "Tu paquete te espera en el punto de recogida que aparece más abajo. Lleva tu documento de identidad o tu código de recogida.",
                sms: "{brand}: tu pedido {order} ya se puede recoger.",
            },
        ),
        (
            Milestone::AttemptFailed,
            Copy {
                subject: "No se ha podido entregar tu pedido {order} (intento {attempt})",
                headline: "Sentimos no haberte encontrado",
                body: "El transportista ha intentado entregar tu paquete (intento {attempt}), pero no ha sido posible. Consulta la página de seguimiento para ver el próximo intento o la opción de recogida.",
                sms: "{brand}: no se ha podido entregar tu pedido {order} (intento {attempt}).",
            },
        ),
        (
            Milestone::Delivered,
            Copy {
                subject: "Tu pedido {order} ha sido entregado",
                headline: "Entregado",
                body: "Tu paquete ha sido entregado. ¡Esperamos que lo disfrutes!",
                sms: "{brand}: tu pedido {order} ha sido entregado.",
            },
        ),
        (
            Milestone::Exception,
            Copy {
                subject: "Hay un problema con la entrega de tu pedido {order}",
                headline: "Un problema con tu entrega",
                body: "El transportista ha informado de un problema: {reason}. Lo estamos revisando y te mantendremos al tanto.",
                sms: "{brand}: hay un problema con la entrega de tu pedido {order}. Detalles:",
            },
        ),
        (
            Milestone::Delayed,
            Copy {
                subject: "Tu pedido {order} se retrasa",
                headline: "Lo sentimos, tu pedido se retrasa",
                body: "Lo sentimos: tu paquete no llegará el {old}. {new}",
                sms: "{brand}: lo sentimos, tu pedido {order} se retrasa. {new}",
            },
        ),
        (
            Milestone::Stalled,
            Copy {
                subject: "Novedades sobre tu pedido {order}",
                headline: "Estamos revisando tu envío",
                body: "Hace unos días que el transportista no registra ningún movimiento de tu paquete. Ya se lo hemos consultado y te avisaremos en cuanto haya novedades.",
                sms: "{brand}: estamos comprobando con el transportista el estado de tu pedido {order}.",
            },
        ),
        (
            Milestone::ReturningToSender,
            Copy {
                subject: "El transportista nos está devolviendo tu pedido {order}",
                headline: "Devolución en curso",
                body: "El transportista nos está devolviendo tu paquete. Nos pondremos en contacto contigo para organizar un nuevo envío o un reembolso.",
                sms: "{brand}: el transportista nos devuelve tu pedido {order}. Te contactaremos pronto.",
            },
        ),
        (
            Milestone::ReturnedToSender,
            Copy {
                subject: "Hemos recibido de vuelta tu pedido {order}",
                headline: "Pedido devuelto",
                body: "Tu paquete nos ha llegado de vuelta. Nos pondremos en contacto contigo para organizar un nuevo envío o un reembolso.",
                sms: "{brand}: hemos recibido de vuelta tu pedido {order}. Te contactaremos pronto.",
            },
        ),
    ],
    labels: Labels {
        greeting: "Hola, {name}:",
        order: "Pedido",
        carrier: "Transportista",
        tracking_number: "Número de seguimiento",
        track_button: "Seguir mi envío",
        expected_delivery: "Entrega prevista",
        signed_by: "Recibido por",
        pickup_point: "Punto de recogida",
        pickup_address: "Dirección",
        pickup_hours: "Horario",
        recommendations: "También te puede gustar",
        discount: "Para compensarte, aquí tienes un descuento: {code}",
        support: "¿Tienes alguna pregunta? Escríbenos",
        unsubscribe: "Dejar de recibir avisos sobre la entrega",
        new_date_known: "La nueva fecha de entrega prevista es el {new}.",
        new_date_unknown: "Te diremos la nueva fecha en cuanto el transportista nos la confirme.",
        sms_new_date_known: "Nueva fecha: {new}.",
        sms_new_date_unknown: "Te avisaremos pronto.",
        // "no llegará el {old}"
        expected_day: "día previsto",
        reason_fallback: "el transportista no ha podido completar la entrega",
    },
    reasons: &[
        (
            Reason::AddressIssue,
            "la dirección no se encuentra o está incompleta",
        ),
        (Reason::RecipientMoved, "el destinatario se ha mudado"),
        (Reason::Refused, "el paquete ha sido rechazado"),
        (
            Reason::AwaitingPayment,
            "hay aranceles o tasas que pagar antes de la entrega",
        ),
        (
            Reason::MissingDocuments,
            "la aduana necesita más documentación",
        ),
        (
            Reason::CustomsDelay,
            "el paquete está retenido en la aduana",
        ),
        (
            Reason::CustomsProcessing,
            "el paquete está en trámites de aduana",
        ),
        (
            Reason::HeldByCarrier,
            "el transportista tiene retenido el paquete",
        ),
        (Reason::Damaged, "el paquete ha sufrido daños"),
        (Reason::Lost, "el paquete se ha perdido"),
        (Reason::Disposed, "el paquete ha sido destruido"),
        (Reason::Undeliverable, "no es posible entregar el paquete"),
        (Reason::Unclaimed, "nadie ha recogido el paquete"),
        (
            Reason::RejectedByCarrier,
            "el transportista no ha podido aceptar el paquete",
        ),
        (Reason::WeatherDelay, "el mal tiempo"),
        (
            Reason::CarrierDelay,
            "un retraso en la red del transportista",
        ),
        (
            Reason::ExternalDelay,
            "circunstancias ajenas al transportista",
        ),
        (
            Reason::Missorted,
            "el paquete se ha enviado a un centro equivocado",
        ),
        (Reason::LateFlight, "el retraso de un vuelo"),
        (
            Reason::AccessIssue,
            "el repartidor no ha podido acceder a la dirección",
        ),
        (Reason::BusinessClosed, "el establecimiento estaba cerrado"),
        (
            Reason::RecipientUnavailable,
            "no había nadie para recibir el paquete",
        ),
        (
            Reason::PickupMissed,
            "el paquete no se ha recogido a tiempo",
        ),
        (
            Reason::ContactCarrier,
            "el transportista necesita que te pongas en contacto con él",
        ),
        (Reason::NoticeLeft, "el repartidor ha dejado un aviso"),
    ],
    dates: DateWords {
        weekdays: [
            "lunes",
            "martes",
            "miércoles",
            "jueves",
            "viernes",
            "sábado",
            "domingo",
        ],
        months: [
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ],
        months_short: [
            "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
        ],
        long: "{weekday}, {day} de {month}",
        short: "{day} {mon}",
        long_year: "{weekday}, {day} de {month} de {year}",
        short_year: "{day} {mon} {year}",
    },
};

/// Italian, "tu".
pub const IT: Locale = Locale {
    tag: "it",
    copy: &[
        (
            Milestone::LabelCreated,
            Copy {
                subject: "Stiamo preparando la spedizione del tuo ordine {order}",
                headline: "Spedizione in preparazione",
                body: "Abbiamo creato l’etichetta di spedizione per il tuo pacco. Ti avviseremo non appena il corriere lo avrà preso in carico.",
                sms: "{brand}: stiamo preparando la spedizione del tuo ordine {order}.",
            },
        ),
        (
            Milestone::InTransit,
            Copy {
                subject: "Il tuo ordine {order} è in viaggio",
                headline: "Il tuo ordine è in viaggio",
                body: "Buone notizie: il corriere ha preso in carico il tuo pacco, che è in viaggio verso di te.",
                sms: "{brand}: il tuo ordine {order} è in viaggio.",
            },
        ),
        (
            Milestone::OutForDelivery,
            Copy {
                subject: "Il tuo ordine {order} arriva oggi",
                headline: "In consegna oggi",
                body: "Il tuo pacco è sul mezzo del corriere e verrà consegnato oggi.",
                sms: "{brand}: il tuo ordine {order} è in consegna oggi.",
            },
        ),
        (
            Milestone::AvailableForPickup,
            Copy {
                subject: "Il tuo ordine {order} è pronto per il ritiro",
                headline: "Pronto per il ritiro",
                body: "Il tuo pacco ti aspetta presso il punto di ritiro indicato qui sotto. Porta con te un documento d’identità o il codice di ritiro.",
                sms: "{brand}: il tuo ordine {order} è pronto per il ritiro.",
            },
        ),
        (
            Milestone::AttemptFailed,
            Copy {
                subject: "Consegna non riuscita: tentativo {attempt} per l’ordine {order}",
                headline: "Ci dispiace, la consegna non è riuscita",
                body: "Il corriere ha provato a consegnare il tuo pacco (tentativo {attempt}), ma senza successo. Controlla la pagina di tracciamento per il prossimo tentativo o per le opzioni di ritiro.",
                sms: "{brand}: tentativo di consegna {attempt} non riuscito per l'ordine {order}.",
            },
        ),
        (
            Milestone::Delivered,
            Copy {
                subject: "Il tuo ordine {order} è stato consegnato",
                headline: "Consegnato",
                body: "Il tuo pacco è stato consegnato. Speriamo che ti piaccia!",
                sms: "{brand}: il tuo ordine {order} è stato consegnato.",
            },
        ),
        (
            Milestone::Exception,
            Copy {
                subject: "C’è un problema con la consegna dell’ordine {order}",
                headline: "Un problema con la tua consegna",
                body: "Il corriere ha segnalato un problema: {reason}. Stiamo verificando e ti faremo sapere al più presto.",
                sms: "{brand}: c'è un problema con la consegna dell'ordine {order}. Dettagli:",
            },
        ),
        (
            Milestone::Delayed,
            Copy {
                subject: "Il tuo ordine {order} è in ritardo",
                headline: "Ci dispiace, il tuo ordine è in ritardo",
                body: "Ci dispiace: il tuo pacco non arriverà {old}. {new}",
                sms: "{brand}: ci dispiace, il tuo ordine {order} è in ritardo. {new}",
            },
        ),
        (
            Milestone::Stalled,
            Copy {
                subject: "Aggiornamento sul tuo ordine {order}",
                headline: "Stiamo controllando la tua spedizione",
                body: "Da qualche giorno il tuo pacco non registra nuove scansioni. Abbiamo contattato il corriere e ti avviseremo non appena la spedizione riprenderà.",
                sms: "{brand}: stiamo verificando con il corriere lo stato del tuo ordine {order}.",
            },
        ),
        (
            Milestone::ReturningToSender,
            Copy {
                subject: "Il tuo ordine {order} sta tornando da noi",
                headline: "Sta tornando da noi",
                body: "Il corriere ci sta restituendo il tuo pacco. Ti contatteremo per organizzare una nuova spedizione o un rimborso.",
                sms: "{brand}: il tuo ordine {order} sta tornando da noi. Ti contatteremo.",
            },
        ),
        (
            Milestone::ReturnedToSender,
            Copy {
                subject: "Il tuo ordine {order} è tornato da noi",
                headline: "Di nuovo da noi",
                body: "Il tuo pacco ci è stato restituito. Ti contatteremo per organizzare una nuova spedizione o un rimborso.",
                sms: "{brand}: il tuo ordine {order} è tornato da noi. Ti contatteremo.",
            },
        ),
    ],
    labels: Labels {
        greeting: "Ciao {name},",
        order: "Ordine",
        carrier: "Corriere",
        tracking_number: "Numero di tracciamento",
        track_button: "Segui il tuo pacco",
        expected_delivery: "Consegna prevista",
        signed_by: "Firmato da",
        pickup_point: "Punto di ritiro",
        pickup_address: "Indirizzo",
        pickup_hours: "Orari di apertura",
        recommendations: "Potrebbe piacerti anche",
        discount: "Per scusarci, ecco uno sconto per te: {code}",
        support: "Domande? Contattaci",
        unsubscribe: "Non ricevere più aggiornamenti sulle consegne",
        new_date_known: "La nuova data di consegna prevista è {new}.",
        new_date_unknown: "Ti comunicheremo la nuova data non appena il corriere ce la fornirà.",
        sms_new_date_known: "Nuova data: {new}.",
        sms_new_date_unknown: "Ti aggiorneremo presto.",
        // "non arriverà {old}" (dates take no article: "non arriverà venerdì 20 novembre")
        expected_day: "nel giorno previsto",
        reason_fallback: "il corriere non è riuscito a completare la consegna",
    },
    reasons: &[
        (
            Reason::AddressIssue,
            "l’indirizzo è incompleto o non è stato trovato",
        ),
        (Reason::RecipientMoved, "il destinatario si è trasferito"),
        (Reason::Refused, "il pacco è stato rifiutato"),
        (
            Reason::AwaitingPayment,
            "ci sono dazi o spese da pagare prima della consegna",
        ),
        (
            Reason::MissingDocuments,
            "la dogana richiede altri documenti",
        ),
        (Reason::CustomsDelay, "il pacco è fermo in dogana"),
        (
            Reason::CustomsProcessing,
            "il pacco è in fase di sdoganamento",
        ),
        (
            Reason::HeldByCarrier,
            "il pacco è in giacenza presso il corriere",
        ),
        (Reason::Damaged, "il pacco è stato danneggiato"),
        (Reason::Lost, "il pacco è stato smarrito"),
        (Reason::Disposed, "il pacco è stato distrutto"),
        (Reason::Undeliverable, "il pacco non può essere consegnato"),
        (Reason::Unclaimed, "il pacco non è stato ritirato"),
        (
            Reason::RejectedByCarrier,
            "il corriere non ha potuto accettare il pacco",
        ),
        (Reason::WeatherDelay, "il maltempo"),
        (Reason::CarrierDelay, "un ritardo nella rete del corriere"),
        (
            Reason::ExternalDelay,
            "circostanze indipendenti dal corriere",
        ),
        (
            Reason::Missorted,
            "il pacco è stato smistato per errore verso un altro centro",
        ),
        (Reason::LateFlight, "il ritardo di un volo"),
        (
            Reason::AccessIssue,
            "il corriere non è riuscito ad accedere all’indirizzo",
        ),
        (Reason::BusinessClosed, "l’attività era chiusa"),
        (
            Reason::RecipientUnavailable,
            "non c’era nessuno a ricevere il pacco",
        ),
        (
            Reason::PickupMissed,
            "il pacco non è stato ritirato in tempo",
        ),
        (
            Reason::ContactCarrier,
            "il corriere chiede di essere contattato",
        ),
        (
            Reason::NoticeLeft,
            "il corriere ha lasciato un avviso di passaggio",
        ),
    ],
    dates: DateWords {
        weekdays: [
            "lunedì",
            "martedì",
            "mercoledì",
            "giovedì",
            "venerdì",
            "sabato",
            "domenica",
        ],
        months: [
            "gennaio",
            "febbraio",
            "marzo",
            "aprile",
            "maggio",
            "giugno",
            "luglio",
            "agosto",
            "settembre",
            "ottobre",
            "novembre",
            "dicembre",
        ],
        months_short: [
            "gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic",
        ],
        long: "{weekday} {day} {month}",
        short: "{day} {mon}",
        long_year: "{weekday} {day} {month} {year}",
        short_year: "{day} {mon} {year}",
    },
};

/// Dutch, "je" (as most Dutch web shops write).
pub const NL: Locale = Locale {
    tag: "nl",
    copy: &[
        (
            Milestone::LabelCreated,
            Copy {
                subject: "Je bestelling {order} wordt klaargemaakt voor verzending",
                headline: "We maken je pakket klaar",
                body: "Het verzendlabel voor je pakket is aangemaakt. We laten het je weten zodra de vervoerder het pakket heeft opgehaald.",
                sms: "{brand}: je bestelling {order} wordt klaargemaakt voor verzending.",
            },
        ),
        (
            Milestone::InTransit,
            Copy {
                subject: "Je bestelling {order} is onderweg",
                headline: "Je bestelling is onderweg",
                body: "Goed nieuws: je pakket is bij de vervoerder en onderweg naar jou.",
                sms: "{brand}: je bestelling {order} is onderweg.",
            },
        ),
        (
            Milestone::OutForDelivery,
            Copy {
                subject: "Je bestelling {order} wordt vandaag bezorgd",
                headline: "Vandaag bij je bezorgd",
                body: "Je pakket zit in de bezorgbus en komt vandaag bij je aan.",
                sms: "{brand}: je bestelling {order} wordt vandaag bezorgd.",
            },
        ),
        (
            Milestone::AvailableForPickup,
            Copy {
                subject: "Je bestelling {order} ligt klaar om op te halen",
                headline: "Klaar om op te halen",
                body: "Je pakket ligt voor je klaar bij het afhaalpunt hieronder. Neem een geldig legitimatiebewijs of je ophaalcode mee.",
                sms: "{brand}: je bestelling {order} ligt klaar om op te halen.",
            },
        ),
        (
            Milestone::AttemptFailed,
            Copy {
                subject: "We hebben je gemist: bezorgpoging {attempt} voor bestelling {order}",
                headline: "Helaas, we hebben je gemist",
                body: "De vervoerder heeft geprobeerd je pakket te bezorgen (poging {attempt}), maar dat is niet gelukt. Via de knop hieronder zie je wanneer de volgende poging is of waar je het pakket kunt ophalen.",
                sms: "{brand}: bezorgpoging {attempt} voor bestelling {order} is niet gelukt.",
            },
        ),
        (
            Milestone::Delivered,
            Copy {
                subject: "Je bestelling {order} is bezorgd",
                headline: "Bezorgd",
                body: "Je pakket is bezorgd. Veel plezier ermee!",
                sms: "{brand}: je bestelling {order} is bezorgd.",
            },
        ),
        (
            Milestone::Exception,
            Copy {
                subject: "Er is een probleem met de bezorging van bestelling {order}",
                headline: "Een probleem met je bezorging",
                body: "De vervoerder meldt een probleem: {reason}. We zoeken het uit en houden je op de hoogte.",
                sms: "{brand}: er is een probleem met de bezorging van bestelling {order}. Details:",
            },
        ),
        (
            Milestone::Delayed,
            Copy {
                subject: "Je bestelling {order} heeft vertraging",
                headline: "Onze excuses, je bestelling heeft vertraging",
                body: "Het spijt ons: je pakket komt niet op {old} aan. {new}",
                sms: "{brand}: sorry, je bestelling {order} heeft vertraging. {new}",
            },
        ),
        (
            Milestone::Stalled,
            Copy {
                subject: "Nieuws over je bestelling {order}",
                headline: "We zoeken uit waar je pakket is",
                body: "Je pakket is al een paar dagen niet meer gescand door de vervoerder. We hebben navraag gedaan en laten het je weten zodra het weer in beweging is.",
                sms: "{brand}: we zoeken bij de vervoerder uit waar bestelling {order} is.",
            },
        ),
        (
            Milestone::ReturningToSender,
            Copy {
                subject: "Je bestelling {order} wordt naar ons teruggestuurd",
                headline: "Onderweg terug naar ons",
                body: "De vervoerder stuurt je pakket terug naar ons. We nemen contact met je op over een nieuwe bezorging of een terugbetaling.",
                sms: "{brand}: bestelling {order} gaat terug naar ons. We nemen contact met je op.",
            },
        ),
        (
            Milestone::ReturnedToSender,
            Copy {
                subject: "Je bestelling {order} is bij ons terug",
                headline: "Terug bij ons",
                body: "Je pakket is weer bij ons terug. We nemen contact met je op over een nieuwe bezorging of een terugbetaling.",
                sms: "{brand}: bestelling {order} is bij ons terug. We nemen contact met je op.",
            },
        ),
    ],
    labels: Labels {
        greeting: "Hoi {name},",
        order: "Bestelling",
        carrier: "Vervoerder",
        tracking_number: "Trackingcode",
        track_button: "Volg je pakket",
        expected_delivery: "Verwachte bezorging",
        signed_by: "Getekend door",
        pickup_point: "Afhaalpunt",
        pickup_address: "Adres",
        pickup_hours: "Openingstijden",
        recommendations: "Misschien vind je dit ook leuk",
        discount: "Als excuus krijg je van ons een kortingscode: {code}",
        support: "Vragen? Neem contact met ons op",
        unsubscribe: "Afmelden voor berichten over je bezorging",
        new_date_known: "De nieuwe verwachte bezorgdatum is {new}.",
        new_date_unknown: "We laten je de nieuwe datum weten zodra de vervoerder die doorgeeft.",
        // Abbreviated months end with their own full stop ("2 okt.").
        sms_new_date_known: "Nieuwe datum: {new}",
        sms_new_date_unknown: "We houden je op de hoogte.",
        // "komt niet op {old} aan"
        expected_day: "de verwachte dag",
        reason_fallback: "de vervoerder kon de bezorging niet afronden",
    },
    reasons: &[
        (
            Reason::AddressIssue,
            "het adres is niet gevonden of is onvolledig",
        ),
        (Reason::RecipientMoved, "de ontvanger is verhuisd"),
        (Reason::Refused, "het pakket is geweigerd"),
        (
            Reason::AwaitingPayment,
            "er moeten eerst invoerrechten of kosten worden betaald",
        ),
        (
            Reason::MissingDocuments,
            "de douane heeft meer documenten nodig",
        ),
        (
            Reason::CustomsDelay,
            "het pakket wordt tegengehouden door de douane",
        ),
        (
            Reason::CustomsProcessing,
            "het pakket wordt door de douane afgehandeld",
        ),
        (Reason::HeldByCarrier, "de vervoerder houdt het pakket vast"),
        (Reason::Damaged, "het pakket is beschadigd"),
        (Reason::Lost, "het pakket is zoekgeraakt"),
        (Reason::Disposed, "het pakket is vernietigd"),
        (Reason::Undeliverable, "het pakket kan niet worden bezorgd"),
        (Reason::Unclaimed, "het pakket is niet opgehaald"),
        (
            Reason::RejectedByCarrier,
            "de vervoerder kon het pakket niet aannemen",
        ),
        (Reason::WeatherDelay, "slecht weer"),
        (Reason::CarrierDelay, "vertraging bij de vervoerder"),
        (
            Reason::ExternalDelay,
            "omstandigheden waar de vervoerder geen invloed op heeft",
        ),
        (Reason::Missorted, "het pakket is verkeerd gesorteerd"),
        (Reason::LateFlight, "een vertraagde vlucht"),
        (
            Reason::AccessIssue,
            "de bezorger kon het adres niet bereiken",
        ),
        (Reason::BusinessClosed, "het bedrijf was gesloten"),
        (
            Reason::RecipientUnavailable,
            "er was niemand aanwezig om het pakket aan te nemen",
        ),
        (Reason::PickupMissed, "het pakket is niet op tijd opgehaald"),
        (
            Reason::ContactCarrier,
            "de vervoerder vraagt je contact met hen op te nemen",
        ),
        (
            Reason::NoticeLeft,
            "de bezorger heeft een kaartje achtergelaten",
        ),
    ],
    dates: DateWords {
        weekdays: [
            "maandag",
            "dinsdag",
            "woensdag",
            "donderdag",
            "vrijdag",
            "zaterdag",
            "zondag",
        ],
        months: [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ],
        months_short: [
            "jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.",
            "dec.",
        ],
        long: "{weekday} {day} {month}",
        short: "{day} {mon}",
        long_year: "{weekday} {day} {month} {year}",
        short_year: "{day} {mon} {year}",
    },
};

/// Portuguese (Brazil), "você". SMS copy avoids accented letters outside GSM-7 so it
/// stays in the cheap alphabet, without dropping accents from words that need them.
pub const PT_BR: Locale = Locale {
    tag: "pt-BR",
    copy: &[
        (
            Milestone::LabelCreated,
            Copy {
                subject: "Seu pedido {order} está sendo preparado para envio",
                headline: "Preparando o envio",
                body: "A etiqueta de envio do seu pacote já foi gerada. Avisaremos você assim que ele estiver com a transportadora.",
                sms: "{brand}: estamos preparando o envio do seu pedido {order}.",
            },
        ),
        (
            Milestone::InTransit,
            Copy {
                subject: "Seu pedido {order} está a caminho",
                headline: "Seu pedido está a caminho",
                body: "Boa notícia: a transportadora já está com o seu pacote, que está a caminho.",
                sms: "{brand}: seu pedido {order} foi enviado! Acompanhe:",
            },
        ),
        (
            Milestone::OutForDelivery,
            Copy {
                subject: "Seu pedido {order} saiu para entrega",
                headline: "Saiu para entrega",
                body: "Seu pacote está com o entregador e será entregue hoje.",
                sms: "{brand}: seu pedido {order} saiu para entrega e chega hoje.",
            },
        ),
        (
            Milestone::AvailableForPickup,
            Copy {
                subject: "Seu pedido {order} está pronto para retirada",
                headline: "Pronto para retirada",
                body: "Seu pacote está esperando por você no ponto de retirada abaixo. Leve um documento com foto ou o seu código de retirada.",
                sms: "{brand}: seu pedido {order} aguarda retirada.",
            },
        ),
        (
            Milestone::AttemptFailed,
            Copy {
                subject: "Não foi possível entregar seu pedido {order} (tentativa {attempt})",
                headline: "Não foi possível entregar",
                body: "A transportadora tentou entregar seu pacote (tentativa {attempt}), mas não conseguiu. Confira na página de rastreamento a próxima tentativa ou a opção de retirada.",
                sms: "{brand}: tentativa de entrega {attempt} do pedido {order} sem sucesso.",
            },
        ),
        (
            Milestone::Delivered,
            Copy {
                subject: "Seu pedido {order} foi entregue",
                headline: "Entregue",
                body: "Seu pacote foi entregue. Esperamos que você goste!",
                sms: "{brand}: seu pedido {order} foi entregue.",
            },
        ),
        (
            Milestone::Exception,
            Copy {
                subject: "Houve um problema com a entrega do pedido {order}",
                headline: "Um problema com a sua entrega",
                body: "A transportadora informou um problema: {reason}. Já estamos verificando e daremos notícias em breve.",
                sms: "{brand}: houve um problema na entrega do pedido {order}. Detalhes:",
            },
        ),
        (
            Milestone::Delayed,
            Copy {
                subject: "Seu pedido {order} vai atrasar",
                headline: "Desculpe, seu pedido vai atrasar",
                body: "Pedimos desculpas: seu pacote não vai chegar até {old}. {new}",
                sms: "{brand}: pedimos desculpas, seu pedido {order} vai atrasar. {new}",
            },
        ),
        (
            Milestone::Stalled,
            Copy {
                subject: "Novidades sobre o seu pedido {order}",
                headline: "Estamos verificando o seu pacote",
                body: "Seu pacote está há alguns dias sem atualização da transportadora. Já entramos em contato com ela e avisaremos você assim que ele voltar a se movimentar.",
                sms: "{brand}: estamos verificando o pedido {order} com a transportadora.",
            },
        ),
        (
            Milestone::ReturningToSender,
            Copy {
                subject: "Seu pedido {order} está voltando para nós",
                headline: "Voltando para nós",
                body: "A transportadora está devolvendo seu pacote para nós. Entraremos em contato sobre uma nova entrega ou um reembolso.",
                sms: "{brand}: o pedido {order} vai ser devolvido à nossa loja. Entraremos em contato.",
            },
        ),
        (
            Milestone::ReturnedToSender,
            Copy {
                subject: "Seu pedido {order} voltou para nós",
                headline: "Pedido devolvido",
                body: "Seu pacote foi devolvido para nós. Entraremos em contato sobre uma nova entrega ou um reembolso.",
                sms: "{brand}: o pedido {order} voltou para a nossa loja. Entraremos em contato.",
            },
        ),
    ],
    labels: Labels {
        greeting: "Olá, {name}!",
        order: "Pedido",
        carrier: "Transportadora",
        tracking_number: "Código de rastreamento",
        track_button: "Rastrear pedido",
        expected_delivery: "Previsão de entrega",
        signed_by: "Recebido por",
        pickup_point: "Ponto de retirada",
        pickup_address: "Endereço",
        pickup_hours: "Horário de funcionamento",
        recommendations: "Você também pode gostar",
        discount: "Como pedido de desculpas, aqui está um cupom de desconto: {code}",
        support: "Dúvidas? Fale conosco",
        unsubscribe: "Não quero mais receber atualizações de entrega",
        new_date_known: "A nova previsão de entrega é {new}.",
        new_date_unknown: "Avisaremos a nova data assim que a transportadora nos informar.",
        // Abbreviated months end with their own full stop ("2 de out.").
        sms_new_date_known: "Nova data: {new}",
        sms_new_date_unknown: "Avisaremos em breve.",
        // "não vai chegar até {old}"
        expected_day: "a data prevista",
        reason_fallback: "a transportadora não conseguiu concluir a entrega",
    },
    reasons: &[
        (
            Reason::AddressIssue,
            "o endereço não foi encontrado ou está incompleto",
        ),
        (Reason::RecipientMoved, "o destinatário mudou de endereço"),
        (Reason::Refused, "o pacote foi recusado"),
        (
            Reason::AwaitingPayment,
            "há impostos ou taxas a pagar antes da entrega",
        ),
        (
            Reason::MissingDocuments,
            "a alfândega precisa de mais documentos",
        ),
        (Reason::CustomsDelay, "o pacote está retido na alfândega"),
        (
            Reason::CustomsProcessing,
            "o pacote está em fiscalização aduaneira",
        ),
        (
            Reason::HeldByCarrier,
            "o pacote está retido pela transportadora",
        ),
        (Reason::Damaged, "o pacote foi danificado"),
        (Reason::Lost, "o pacote foi extraviado"),
        (Reason::Disposed, "o pacote foi descartado"),
        (Reason::Undeliverable, "não é possível entregar o pacote"),
        (Reason::Unclaimed, "o pacote não foi retirado"),
        (
            Reason::RejectedByCarrier,
            "a transportadora não pôde aceitar o pacote",
        ),
        (Reason::WeatherDelay, "condições climáticas ruins"),
        (
            Reason::CarrierDelay,
            "um atraso na operação da transportadora",
        ),
        (
            Reason::ExternalDelay,
            "imprevistos fora do controle da transportadora",
        ),
        (
            Reason::Missorted,
            "o pacote foi encaminhado para o local errado",
        ),
        (Reason::LateFlight, "o atraso de um voo"),
        (
            Reason::AccessIssue,
            "o entregador não conseguiu acessar o endereço",
        ),
        (Reason::BusinessClosed, "o estabelecimento estava fechado"),
        (
            Reason::RecipientUnavailable,
            "não havia ninguém para receber o pacote",
        ),
        (Reason::PickupMissed, "o pacote não foi retirado no prazo"),
        (
            Reason::ContactCarrier,
            "a transportadora pede que você entre em contato com ela",
        ),
        (
            Reason::NoticeLeft,
            "o entregador deixou um aviso de tentativa de entrega",
        ),
    ],
    dates: DateWords {
        weekdays: [
            "segunda-feira",
            "terça-feira",
            "quarta-feira",
            "quinta-feira",
            "sexta-feira",
            "sábado",
            "domingo",
        ],
        months: [
            "janeiro",
            "fevereiro",
            "março",
            "abril",
            "maio",
            "junho",
            "julho",
            "agosto",
            "setembro",
            "outubro",
            "novembro",
            "dezembro",
        ],
        months_short: [
            "jan.", "fev.", "mar.", "abr.", "mai.", "jun.", "jul.", "ago.", "set.", "out.", "nov.",
            "dez.",
        ],
        long: "{weekday}, {day} de {month}",
        short: "{day} de {mon}",
        long_year: "{weekday}, {day} de {month} de {year}",
        short_year: "{day} de {mon} de {year}",
    },
};

/// Japanese, polite です/ます with the honorifics customary in shop mail. Reason phrases
/// are noun phrases: the exception copy shows them as （理由：…）.
pub const JA: Locale = Locale {
    tag: "ja",
    copy: &[
        (
            Milestone::LabelCreated,
            Copy {
                subject: "ご注文{order}の発送準備を進めています",
                headline: "発送準備中です",
                body: "お荷物の送り状を作成しました。配送業者へのお引き渡しが完了しましたら、あらためてお知らせいたします。",
                sms: "【{brand}】ご注文{order}の発送準備を進めています。",
            },
        ),
        (
            Milestone::InTransit,
            Copy {
                subject: "ご注文{order}の商品を発送しました",
                headline: "商品を発送しました",
                body: "お待たせいたしました。お荷物は配送業者に引き渡され、お客様のもとへ向かっています。",
                sms: "【{brand}】ご注文{order}の商品を発送しました。",
            },
        ),
        (
            Milestone::OutForDelivery,
            Copy {
                subject: "ご注文{order}の商品は本日お届け予定です",
                headline: "本日お届け予定です",
                body: "お荷物は本日お届けの予定です。配達員がお届けに向かっています。",
                sms: "【{brand}】ご注文{order}の商品は本日お届け予定です。",
            },
        ),
        (
            Milestone::AvailableForPickup,
            Copy {
                subject: "ご注文{order}の商品をお受け取りいただけます",
                headline: "お受け取りの準備ができました",
                body: "お荷物は下記の受取場所でお受け取りいただけます。お受け取りの際は、本人確認書類または受取コードをお持ちください。",
                sms: "【{brand}】ご注文{order}の商品を受取場所でお受け取りいただけます。",
            },
        ),
        (
            Milestone::AttemptFailed,
            Copy {
                subject: "ご注文{order}の商品をお届けできませんでした（{attempt}回目の配達）",
                headline: "お届けできませんでした",
                body: "配送業者がお荷物をお届けにうかがいましたが（{attempt}回目の配達）、お届けできませんでした。次回の配達予定や受け取り方法は、配送状況ページでご確認ください。",
                sms: "【{brand}】ご注文{order}の{attempt}回目の配達でお届けできませんでした。",
            },
        ),
        (
            Milestone::Delivered,
            Copy {
                subject: "ご注文{order}の商品をお届けしました",
                headline: "お届けが完了しました",
                body: "お荷物のお届けが完了しました。商品をお楽しみいただければ幸いです。",
                sms: "【{brand}】ご注文{order}の商品のお届けが完了しました。",
            },
        ),
        (
            Milestone::Exception,
            Copy {
                subject: "ご注文{order}の配送に問題が発生しました",
                headline: "配送に問題が発生しました",
                body: "配送業者から、配送に関する問題の報告がありました（理由：{reason}）。現在確認を進めており、状況がわかり次第ご連絡いたします。",
                sms: "【{brand}】ご注文{order}の配送に問題が発生しました。詳細：",
            },
        ),
        (
            Milestone::Delayed,
            Copy {
                subject: "ご注文{order}のお届けが遅れています",
                headline: "お届けが遅れており申し訳ございません",
                body: "大変申し訳ございません。お荷物の到着が{old}より遅れる見込みです。{new}",
                sms: "【{brand}】ご注文{order}のお届けが遅れており申し訳ございません。{new}",
            },
        ),
        (
            Milestone::Stalled,
            Copy {
                subject: "ご注文{order}の配送状況について",
                headline: "配送状況を確認しています",
                body: "ここ数日、お荷物の配送状況が更新されていません。配送業者に確認しておりますので、動きがあり次第お知らせいたします。",
                sms: "【{brand}】ご注文{order}の配送状況を配送業者に確認しています。",
            },
        ),
        (
            Milestone::ReturningToSender,
            Copy {
                subject: "ご注文{order}の商品が当店へ返送されています",
                headline: "当店へ返送中です",
                body: "お荷物は配送業者により当店へ返送されています。再配送または返金について、あらためてご連絡いたします。",
                sms: "【{brand}】ご注文{order}の商品が当店へ返送されています。追ってご連絡します。",
            },
        ),
        (
            Milestone::ReturnedToSender,
            Copy {
                subject: "ご注文{order}の商品が当店に戻りました",
                headline: "当店に返送されました",
                body: "お荷物が当店に返送されました。再配送または返金について、こちらからご連絡いたします。",
                sms: "【{brand}】ご注文{order}の商品が当店に戻りました。追ってご連絡します。",
            },
        ),
    ],
    labels: Labels {
        greeting: "{name}様",
        order: "ご注文番号",
        carrier: "配送業者",
        tracking_number: "追跡番号",
        track_button: "配送状況を確認する",
        expected_delivery: "お届け予定日",
        signed_by: "受領者",
        pickup_point: "受取場所",
        pickup_address: "住所",
        pickup_hours: "営業時間",
        recommendations: "こちらもおすすめ",
        discount: "お詫びのしるしとして、割引コードをお送りします：{code}",
        support: "ご不明な点がございましたら、お気軽にお問い合わせください",
        unsubscribe: "配送に関するお知らせの配信を停止する",
        new_date_known: "新しいお届け予定日は{new}です。",
        new_date_unknown: "新しいお届け予定日がわかり次第、お知らせいたします。",
        sms_new_date_known: "お届け予定：{new}",
        sms_new_date_unknown: "追ってご連絡します。",
        // "{old}より遅れる見込み"
        expected_day: "お届け予定日",
        reason_fallback: "配達未完了",
    },
    reasons: &[
        (Reason::AddressIssue, "お届け先住所の不明または不備"),
        (Reason::RecipientMoved, "お届け先のご転居"),
        (Reason::Refused, "お受け取りの辞退"),
        (Reason::AwaitingPayment, "関税・手数料のお支払い待ち"),
        (Reason::MissingDocuments, "通関書類の不足"),
        (Reason::CustomsDelay, "税関での保留"),
        (Reason::CustomsProcessing, "通関手続き中"),
        (Reason::HeldByCarrier, "配送業者での保管"),
        (Reason::Damaged, "お荷物の破損"),
        (Reason::Lost, "お荷物の紛失"),
        (Reason::Disposed, "お荷物の廃棄"),
        (Reason::Undeliverable, "配達不能"),
        (Reason::Unclaimed, "保管期限切れ"),
        (Reason::RejectedByCarrier, "配送業者による引き受け不可"),
        (Reason::WeatherDelay, "悪天候"),
        (Reason::CarrierDelay, "配送業者の遅延"),
        (Reason::ExternalDelay, "配送業者の管理外の事情"),
        (Reason::Missorted, "仕分けの誤り"),
        (Reason::LateFlight, "航空便の遅延"),
        (Reason::AccessIssue, "お届け先への立ち入り不可"),
        (Reason::BusinessClosed, "お届け先の休業・営業時間外"),
        (Reason::RecipientUnavailable, "ご不在"),
        (Reason::PickupMissed, "受取期限切れ"),
        (Reason::ContactCarrier, "配送業者へのご連絡が必要"),
        (Reason::NoticeLeft, "ご不在連絡票の投函"),
    ],
    dates: DateWords {
        weekdays: ["月", "火", "水", "木", "金", "土", "日"],
        months: [
            "1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月",
        ],
        months_short: [
            "1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月",
        ],
        long: "{m}月{day}日（{weekday}）",
        short: "{m}月{day}日",
        long_year: "{year}年{m}月{day}日（{weekday}）",
        short_year: "{year}年{m}月{day}日",
    },
};

/// Every built-in locale, in [`LOCALES`] order.
pub const ALL: [&Locale; 8] = [&EN, &DE, &FR, &ES, &IT, &NL, &PT_BR, &JA];

/// The built-in locale with exactly this tag ("pt-BR", not "pt-br" or "pt").
pub fn locale(tag: &str) -> Option<&'static Locale> {
    ALL.into_iter().find(|l| l.tag == tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Placeholders message copy may use.
    const ALLOWED: [&str; 7] = [
        "{order}",
        "{brand}",
        "{attempt}",
        "{old}",
        "{new}",
        "{reason}",
        "{name}",
    ];
    const DATE_FIELDS: [&str; 6] = ["{weekday}", "{day}", "{month}", "{mon}", "{year}", "{m}"];

    /// The reasons that explain an exception, a failed attempt or a delay: each locale
    /// has a phrase for every one of them.
    const CAUSES: [Reason; 25] = [
        Reason::AddressIssue,
        Reason::RecipientMoved,
        Reason::Refused,
        Reason::AwaitingPayment,
        Reason::MissingDocuments,
        Reason::CustomsDelay,
        Reason::CustomsProcessing,
        Reason::HeldByCarrier,
        Reason::Damaged,
        Reason::Lost,
        Reason::Disposed,
        Reason::Undeliverable,
        Reason::Unclaimed,
        Reason::RejectedByCarrier,
        Reason::WeatherDelay,
        Reason::CarrierDelay,
        Reason::ExternalDelay,
        Reason::Missorted,
        Reason::LateFlight,
        Reason::AccessIssue,
        Reason::BusinessClosed,
        Reason::RecipientUnavailable,
        Reason::PickupMissed,
        Reason::ContactCarrier,
        Reason::NoticeLeft,
    ];

    const BRAND: &str = "Acme Outdoor";
    const ORDER: &str = "#100234";
    const LINK: &str = "https://track.acme-outdoor-shop.com/t/0123456789abcdef0123456789abcdef";

    fn copy_of(locale: &Locale, milestone: Milestone) -> &Copy {
        let rows: Vec<_> = locale
            .copy
            .iter()
            .filter(|(m, _)| *m == milestone)
            .collect();
        assert_eq!(
            rows.len(),
            1,
            "{}: {milestone} has {} rows",
            locale.tag,
            rows.len()
        );
        &rows[0].1
    }

    fn label_fields(l: &Labels) -> [(&'static str, &'static str); 20] {
        [
            ("greeting", l.greeting),
            ("order", l.order),
            ("carrier", l.carrier),
            ("tracking_number", l.tracking_number),
            ("track_button", l.track_button),
            ("expected_delivery", l.expected_delivery),
            ("signed_by", l.signed_by),
            ("pickup_point", l.pickup_point),
            ("pickup_address", l.pickup_address),
            ("pickup_hours", l.pickup_hours),
            ("recommendations", l.recommendations),
            ("discount", l.discount),
            ("support", l.support),
            ("unsubscribe", l.unsubscribe),
            ("new_date_known", l.new_date_known),
            ("new_date_unknown", l.new_date_unknown),
            ("sms_new_date_known", l.sms_new_date_known),
            ("sms_new_date_unknown", l.sms_new_date_unknown),
            ("expected_day", l.expected_day),
            ("reason_fallback", l.reason_fallback),
        ]
    }

    /// Every customer-facing sentence or phrase of a locale (not the date words), named.
    fn texts(locale: &Locale) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        for (m, c) in locale.copy {
            for (field, text) in [
                ("subject", c.subject),
                ("headline", c.headline),
                ("body", c.body),
                ("sms", c.sms),
            ] {
                out.push((format!("{m}.{field}"), text));
            }
        }
        for (field, text) in label_fields(&locale.labels) {
            out.push((format!("labels.{field}"), text));
        }
        for (r, text) in locale.reasons {
            out.push((format!("reasons.{r}"), *text));
        }
        out
    }

    /// The `{...}` tokens of a text; panics on a stray brace.
    fn placeholders(text: &str) -> Vec<&str> {
        let mut found = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find(['{', '}']) {
            assert!(rest[open..].starts_with('{'), "stray '}}' in {text:?}");
            let close = rest[open..]
                .find('}')
                .unwrap_or_else(|| panic!("unclosed '{{' in {text:?}"));
            let token = &rest[open..open + close + 1];
            assert!(!token[1..].contains('{'), "nested '{{' in {text:?}");
            found.push(token);
            rest = &rest[open + close + 1..];
        }
        found
    }

    /// A date in the locale's pattern; `weekday` and `month` count from 0 (Monday, January).
    fn date(words: &DateWords, pattern: &str, weekday: usize, month: usize, day: u32) -> String {
        pattern
            .replace("{weekday}", words.weekdays[weekday])
            .replace("{month}", words.months[month])
            .replace("{mon}", words.months_short[month])
            .replace("{day}", &day.to_string())
            .replace("{m}", &(month + 1).to_string())
            .replace("{year}", "2026")
    }

    /// The SMS as sent: copy with realistic values, a space and a 70-character link.
    fn sms(locale: &Locale, milestone: Milestone, new: &str) -> String {
        // With its year: the longest an old date gets (a promise made last December).
        let old = date(&locale.dates, locale.dates.short_year, 2, 8, 30);
        let text = copy_of(locale, milestone)
            .sms
            .replace("{brand}", BRAND)
            .replace("{order}", ORDER)
            .replace("{attempt}", "2")
            .replace("{old}", &old)
            .replace("{name}", "Alexandra")
            .replace("{new}", new);
        format!("{text} {LINK}")
    }

    /// The `{new}` sentences an SMS may carry: the realistic "Oct 2" one, the longest
    /// short date of the year, and the one without a date.
    fn sms_new_sentences(locale: &Locale) -> Vec<String> {
        let known = |pattern, month, day| {
            let d = date(&locale.dates, pattern, 4, month, day);
            locale.labels.sms_new_date_known.replace("{new}", &d)
        };
        // Dates in another year carry it ("Jan 8, 2027"): the longest of all.
        let longest = (0..12)
            .flat_map(|m| [locale.dates.short, locale.dates.short_year].map(|p| known(p, m, 28)))
            .max_by_key(|s| s.encode_utf16().count())
            .unwrap();
        vec![
            known(locale.dates.short, 9, 2),
            longest,
            locale.labels.sms_new_date_unknown.to_owned(),
        ]
    }

    const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    const GSM7_EXTENSION: &str = "\u{c}^{}\\[~]|€";

    /// Septets when the whole text is GSM-7, else `None` (the message goes as UCS-2).
    fn gsm7_septets(text: &str) -> Option<usize> {
        text.chars()
            .map(|c| {
                if GSM7_BASIC.contains(c) {
                    Some(1)
                } else if GSM7_EXTENSION.contains(c) {
                    Some(2)
                } else {
                    None
                }
            })
            .sum()
    }

    /// (GSM-7?, units, segments) as an SMS gateway bills it.
    fn segments(text: &str) -> (bool, usize, usize) {
        match gsm7_septets(text) {
            Some(n) if n <= 160 => (true, n, 1),
            Some(n) => (true, n, n.div_ceil(153)),
            None => {
                let n = text.encode_utf16().count();
                (false, n, if n <= 70 { 1 } else { n.div_ceil(67) })
            }
        }
    }

    #[test]
    fn all_is_in_locales_order_and_lookup_is_by_exact_tag() {
        let tags: Vec<_> = ALL.iter().map(|l| l.tag).collect();
        assert_eq!(tags, LOCALES);
        for tag in LOCALES {
            assert_eq!(locale(tag).map(|l| l.tag), Some(tag));
        }
        assert_eq!(locale("pt-BR").map(|l| l.tag), Some("pt-BR"));
        for unknown in ["pt", "pt-br", "PT-BR", "en-US", "EN", "", "ja-JP"] {
            assert!(locale(unknown).is_none(), "{unknown:?}");
        }
    }

    #[test]
    fn every_locale_has_copy_for_every_milestone_and_a_phrase_for_every_cause() {
        for l in ALL {
            assert_eq!(l.copy.len(), Milestone::ALL.len(), "{}", l.tag);
            for m in Milestone::ALL {
                copy_of(l, m);
            }
            for cause in CAUSES {
                let n = l.reasons.iter().filter(|(r, _)| *r == cause).count();
                assert_eq!(n, 1, "{}: {cause} has {n} phrases", l.tag);
            }
            for (r, _) in l.reasons {
                assert!(CAUSES.contains(r), "{}: {r} is not a cause", l.tag);
            }
        }
    }

    #[test]
    fn placeholders_are_known_and_no_text_is_empty_or_padded() {
        for l in ALL {
            for (name, text) in texts(l) {
                assert!(!text.trim().is_empty(), "{} {name} is empty", l.tag);
                assert_eq!(text, text.trim(), "{} {name} has outer whitespace", l.tag);
                assert!(!text.contains("  "), "{} {name} has a double space", l.tag);
                for token in placeholders(text) {
                    let ok = ALLOWED.contains(&token)
                        || (name == "labels.discount" && token == "{code}");
                    assert!(ok, "{} {name}: unknown placeholder {token}", l.tag);
                }
                if name.starts_with("reasons.") || name == "labels.reason_fallback" {
                    assert!(placeholders(text).is_empty(), "{} {name}", l.tag);
                }
            }
            let d = &l.dates;
            for text in d.weekdays.iter().chain(&d.months).chain(&d.months_short) {
                assert!(
                    !text.is_empty() && placeholders(text).is_empty(),
                    "{}",
                    l.tag
                );
            }
            for pattern in [d.long, d.short] {
                for token in placeholders(pattern) {
                    assert!(DATE_FIELDS.contains(&token), "{}: {token}", l.tag);
                }
                assert!(pattern.contains("{day}"), "{}: {pattern}", l.tag);
            }
        }
    }

    #[test]
    fn copy_has_the_placeholders_its_milestone_needs() {
        for l in ALL {
            let tag = l.tag;
            for m in Milestone::ALL {
                let c = copy_of(l, m);
                assert!(
                    c.sms.contains("{brand}"),
                    "{tag} {m}: the SMS names the shop"
                );
                assert!(
                    c.sms.contains("{order}"),
                    "{tag} {m}: the SMS names the order"
                );
                assert!(
                    c.subject.contains("{order}"),
                    "{tag} {m}: subject lacks the order"
                );
                assert!(
                    !c.sms.contains("{reason}"),
                    "{tag} {m}: reasons are too long for SMS"
                );
            }
            let delayed = copy_of(l, Milestone::Delayed);
            assert!(
                delayed.body.contains("{old}"),
                "{tag}: the delay names the old date"
            );
            assert!(
                delayed.body.ends_with("{new}"),
                "{tag}: {{new}} is the last sentence"
            );
            assert!(
                delayed.sms.ends_with("{new}"),
                "{tag}: {{new}} is the last sentence"
            );
            assert!(
                copy_of(l, Milestone::Exception).body.contains("{reason}"),
                "{tag}"
            );
            let attempt = copy_of(l, Milestone::AttemptFailed);
            for text in [attempt.subject, attempt.body, attempt.sms] {
                assert!(text.contains("{attempt}"), "{tag}: {text}");
            }
            let labels = &l.labels;
            assert!(labels.greeting.contains("{name}"), "{tag}");
            assert!(labels.discount.contains("{code}"), "{tag}");
            assert!(labels.new_date_known.contains("{new}"), "{tag}");
            assert!(labels.sms_new_date_known.contains("{new}"), "{tag}");
        }
    }

    #[test]
    fn the_delay_copy_apologises() {
        let apology = [
            ("en", "sorry"),
            ("de", "Es tut uns leid"),
            ("fr", "désolés"),
            ("es", "Lo sentimos"),
            ("it", "Ci dispiace"),
            ("nl", "Het spijt ons"),
            ("pt-BR", "Pedimos desculpas"),
            ("ja", "申し訳ございません"),
        ];
        for (tag, words) in apology {
            let delayed = copy_of(locale(tag).unwrap(), Milestone::Delayed);
            assert!(delayed.body.contains(words), "{tag}: {}", delayed.body);
        }
    }

    #[test]
    fn subjects_and_headlines_differ_between_milestones() {
        for l in ALL {
            let subjects: std::collections::BTreeSet<_> =
                l.copy.iter().map(|(_, c)| c.subject).collect();
            let headlines: std::collections::BTreeSet<_> =
                l.copy.iter().map(|(_, c)| c.headline).collect();
            assert_eq!(subjects.len(), Milestone::ALL.len(), "{}", l.tag);
            assert_eq!(headlines.len(), Milestone::ALL.len(), "{}", l.tag);
        }
    }

    /// Whole words (any case) that give away untranslated English. A word that is also
    /// an ordinary word of the locale is not a marker there: Dutch "we", "is", "of" ("or")
    /// and "sorry" (everyday Dutch, used in the delay SMS).
    #[test]
    fn no_english_is_left_in_the_translations() {
        const MARKERS: [&str; 27] = [
            "your",
            "order",
            "orders",
            "parcel",
            "package",
            "delivered",
            "delivery",
            "the",
            "track",
            "tracking",
            "carrier",
            "pickup",
            "shipping",
            "shipped",
            "sorry",
            "we",
            "you",
            "is",
            "has",
            "and",
            "of",
            "with",
            "today",
            "will",
            "been",
            "update",
            "updates",
        ];
        let same_word_there =
            |tag: &str, word: &str| tag == "nl" && ["we", "is", "of", "sorry"].contains(&word);
        for l in ALL.iter().filter(|l| l.tag != "en") {
            for (name, text) in texts(l) {
                let words = text
                    .split(|c: char| !c.is_alphabetic())
                    .map(str::to_lowercase);
                for word in words {
                    let english =
                        MARKERS.contains(&word.as_str()) && !same_word_there(l.tag, &word);
                    // "{name}" and the other placeholders are English by design.
                    let placeholder = ALLOWED
                        .iter()
                        .chain(&["{code}"])
                        .any(|p| p[1..p.len() - 1] == word && text.contains(p));
                    assert!(
                        !english || placeholder,
                        "{} {name}: {word:?} in {text:?}",
                        l.tag
                    );
                }
            }
        }
        // Japanese: no Latin letters at all outside placeholders.
        for (name, text) in texts(&JA) {
            let mut bare = text.to_owned();
            for p in ALLOWED.iter().chain(&["{code}"]) {
                bare = bare.replace(p, "");
            }
            assert!(
                !bare.chars().any(|c| c.is_ascii_alphabetic()),
                "ja {name}: {text}"
            );
        }
    }

    #[test]
    fn english_sms_fit_one_gsm7_segment_with_a_70_character_link() {
        assert_eq!(LINK.len(), 70);
        for m in Milestone::ALL {
            for new in sms_new_sentences(&EN) {
                let text = sms(&EN, m, &new);
                assert!(gsm7_septets(&text).is_some(), "{m}: not GSM-7: {text}");
                let n = text.chars().count();
                assert!(n <= 160, "{m}: {n} characters: {text}");
            }
        }
    }

    /// Every SMS fits two segments; Latin-script locales stay in GSM-7 (no ç, ã, á, ô,
    /// curly quote or no-break space in SMS copy) and, with the realistic values (a
    /// 12-character brand, "Oct 2" or no date), in one segment. Japanese goes as UCS-2,
    /// which never fits one segment beside a 70-character link.
    #[test]
    fn every_sms_fits_two_segments_in_the_expected_alphabet() {
        for l in ALL {
            let latin = l.tag != "ja";
            let mut worst = (0, 0);
            for m in Milestone::ALL {
                for (i, new) in sms_new_sentences(l).into_iter().enumerate() {
                    let text = sms(l, m, &new);
                    let (gsm7, units, count) = segments(&text);
                    assert_eq!(gsm7, latin, "{} {m}: alphabet of {text:?}", l.tag);
                    assert!(
                        count <= 2,
                        "{} {m}: {count} segments ({units} units): {text}",
                        l.tag
                    );
                    let realistic = i != 1;
                    if latin && realistic {
                        assert_eq!(count, 1, "{} {m}: {units} septets: {text}", l.tag);
                    }
                    assert!(
                        !text.contains('{'),
                        "{} {m}: placeholder left: {text}",
                        l.tag
                    );
                    worst = worst.max((count, units));
                }
            }
            eprintln!(
                "{}: gsm7={latin}, longest SMS {} units, {} segment(s)",
                l.tag, worst.1, worst.0
            );
        }
    }

    /// An abbreviated month that ends in a full stop ("2 oct.", "2.10.") must not get a
    /// second one from the sentence around it.
    #[test]
    fn dates_in_sentences_never_double_the_full_stop() {
        for l in ALL {
            for month in 0..12 {
                for day in [1, 28] {
                    let patterns = [
                        (l.dates.short, l.dates.long),
                        (l.dates.short_year, l.dates.long_year),
                    ];
                    for (short, long) in patterns {
                        let short = date(&l.dates, short, 0, month, day);
                        let long = date(&l.dates, long, 0, month, day);
                        let sms_new = l.labels.sms_new_date_known.replace("{new}", &short);
                        let mail_new = l.labels.new_date_known.replace("{new}", &long);
                        for sentence in [sms_new, mail_new] {
                            assert!(!sentence.contains(".."), "{}: {sentence}", l.tag);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn date_words_are_capitalised_as_each_language_writes_them() {
        for l in ALL {
            let d = &l.dates;
            let upper = match l.tag {
                "en" | "de" => Some(true),
                "ja" => None,
                _ => Some(false),
            };
            for word in d.weekdays.iter().chain(&d.months).chain(&d.months_short) {
                let first = word.chars().next().unwrap();
                if let Some(upper) = upper {
                    assert_eq!(first.is_uppercase(), upper, "{}: {word}", l.tag);
                }
            }
            let sample = date(d, d.long, 4, 9, 2);
            assert!(!sample.contains('{'), "{}: {sample}", l.tag);
        }
        assert_eq!(date(&EN.dates, EN.dates.long, 4, 9, 2), "Friday, October 2");
        assert_eq!(date(&EN.dates, EN.dates.short, 4, 9, 2), "Oct 2");
        assert_eq!(
            date(&DE.dates, DE.dates.long, 4, 9, 2),
            "Freitag, 2. Oktober"
        );
        assert_eq!(date(&DE.dates, DE.dates.short, 4, 9, 2), "2.10.");
        assert_eq!(
            date(&FR.dates, FR.dates.long, 4, 9, 2),
            "vendredi 2 octobre"
        );
        assert_eq!(date(&JA.dates, JA.dates.long, 4, 9, 2), "10月2日（金）");
        assert_eq!(date(&JA.dates, JA.dates.short, 4, 9, 2), "10月2日");
    }
}

//! Customer messages: the built-in branded email and SMS in every locale, and merchant
//! overrides (minijinja templates, HTML auto-escaped) validated on save.
//!
//! Every template, built-in or the merchant's, sees the same variables ([`Vars`], listed in
//! [`VARIABLES`] and the README). Customer and merchant text only ever enters a template as
//! a variable, so it is escaped in HTML and never interpreted as template code.

use crate::i18n::{self, Locale};
use crate::milestone::Milestone;
use crate::model::{Details, Merchant, Product, Shipment};
use crate::sms::{self, Segments};
use chrono::{Datelike, NaiveDate};
use minijinja::{Environment, UndefinedBehavior};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

const EMAIL_HTML: &str = include_str!("../templates/email.html.j2");
const EMAIL_TEXT: &str = include_str!("../templates/email.txt.j2");

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Email {
    pub subject: String,
    pub preheader: String,
    pub html: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template `{part}` line {line}, column {column}: {message}")]
pub struct TemplateError {
    /// Which part of the template: `subject`, `html`, `text` or `body`.
    pub part: &'static str,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// What a message is about and for whom.
#[derive(Debug, Clone, Copy)]
pub struct MessageInput<'a> {
    pub milestone: Milestone,
    pub details: &'a Details,
    pub shipment: &'a Shipment,
    pub merchant: &'a Merchant,
    /// The carrier's display name ("DHL Paket").
    pub carrier_name: &'a str,
    pub tracking_url: &'a str,
    pub unsubscribe_url: &'a str,
    /// The customer's today when the message is written: dates in other years show it.
    pub today: NaiveDate,
    /// The order around this parcel when it is one of several.
    pub order: Option<crate::orders::OrderContext>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CustomerVars {
    pub name: String,
    pub first_name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BrandVars {
    pub name: String,
    pub logo_url: Option<String>,
    pub primary_color: String,
    pub accent_color: String,
    pub support_url: Option<String>,
    pub support_email: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PickupVars {
    pub name: Option<String>,
    pub address: Option<String>,
    pub hours: Option<String>,
}

/// The variables every template sees.
#[derive(Debug, Clone, Serialize)]
pub struct Vars {
    pub locale: String,
    pub milestone: String,
    pub customer: CustomerVars,
    pub order_number: String,
    pub carrier: String,
    pub tracking_number: String,
    pub tracking_url: String,
    pub unsubscribe_url: String,
    pub brand: BrandVars,
    /// Dates are formatted for the locale.
    pub estimated_delivery: Option<String>,
    pub old_date: Option<String>,
    pub new_date: Option<String>,
    pub attempt: Option<u32>,
    /// A phrase ("the address could not be found").
    pub reason: Option<String>,
    pub signed_by: Option<String>,
    pub pickup: Option<PickupVars>,
    pub discount_code: Option<String>,
    pub recommendations: Vec<Product>,
    /// The parcel of a split order: its place in the order and what it holds.
    pub parcel: Option<ParcelVars>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ParcelVars {
    pub position: usize,
    pub parcels: usize,
    pub items: Vec<ItemVars>,
    /// Items in every parcel of the order (0: not known).
    pub items_in_order: u32,
    /// Every other parcel was delivered before this one.
    pub last_to_arrive: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemVars {
    pub title: String,
    pub quantity: u32,
}

/// Top-level variable names a merchant template may use.
pub const VARIABLES: &[&str] = &[
    "locale",
    "milestone",
    "customer",
    "order_number",
    "carrier",
    "tracking_number",
    "tracking_url",
    "unsubscribe_url",
    "brand",
    "estimated_delivery",
    "old_date",
    "new_date",
    "attempt",
    "reason",
    "signed_by",
    "pickup",
    "discount_code",
    "recommendations",
    "parcel",
];

/// Customer locale (`pt-PT` finds `pt-BR`), then the merchant's default (also when the
/// customer has none), then English: the pages' negotiation without the browser's say.
pub fn resolve_locale(customer: Option<&str>, merchant_default: &str) -> &'static Locale {
    i18n::page::negotiate(customer.into_iter().chain([merchant_default]))
}

/// A date in the locale's words; the year is written whenever it is not `this_year` (a
/// carrier's "new date" next January must not read as this January).
fn date_text(date: NaiveDate, locale: &Locale, long: bool, this_year: i32) -> String {
    locale.date(date, long, date.year() != this_year)
}

/// A date written the locale's long way ("Montag, 23. November"; with the year when it
/// is not in `today`'s year).
pub fn long_date(date: NaiveDate, locale: &Locale, today: NaiveDate) -> String {
    date_text(date, locale, true, today.year())
}

/// Two long dates as a range ("Wednesday, November 18 to Friday, November 20"), or one when
/// they are the same day.
pub fn date_range(locale: &Locale, from: NaiveDate, to: NaiveDate, today: NaiveDate) -> String {
    let date = |d: NaiveDate| date_text(d, locale, true, today.year());
    if from >= to {
        return date(to);
    }
    substitute(locale.labels.date_range, |slot| match slot {
        "from" => Some(date(from)),
        "to" => Some(date(to)),
        _ => None,
    })
}

/// The headline a milestone's email uses, in the locale.
pub fn headline(locale: &Locale, milestone: Milestone) -> &'static str {
    copy(locale, milestone).headline
}

fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

/// The customer's name for a text's `{name}` (full) and `{first_name}` slots: each
/// locale's text picks one (Japanese addresses by the full name: "{name}様").
fn name_slot(slot: &str, name: &str) -> Option<String> {
    match slot {
        "name" => Some(name.trim().to_owned()),
        "first_name" => Some(first_name(name).to_owned()),
        _ => None,
    }
}

fn reason_phrase(locale: &Locale, details: &Details) -> String {
    details
        .reason
        .and_then(|r| locale.reasons.iter().find(|(x, _)| *x == r))
        .map_or(locale.labels.reason_fallback, |(_, t)| t)
        .to_owned()
}

pub fn vars(input: &MessageInput<'_>, locale: &Locale) -> Vars {
    let s = input.shipment;
    let b = &input.merchant.branding;
    let long = |d: NaiveDate| date_text(d, locale, true, input.today.year());
    Vars {
        locale: locale.tag.to_owned(),
        milestone: input.milestone.as_str().to_owned(),
        customer: CustomerVars {
            name: s.customer.name.clone(),
            first_name: first_name(&s.customer.name).to_owned(),
        },
        order_number: s.order_number.clone(),
        carrier: input.carrier_name.to_owned(),
        tracking_number: s.tracking_number.clone(),
        tracking_url: input.tracking_url.to_owned(),
        unsubscribe_url: input.unsubscribe_url.to_owned(),
        brand: BrandVars {
            name: input.merchant.brand_name.clone(),
            logo_url: b.logo_url.clone(),
            primary_color: b.primary_color.clone(),
            accent_color: b.accent_color.clone(),
            support_url: b.support_url.clone(),
            support_email: b.support_email.clone(),
        },
        estimated_delivery: s.estimated_delivery.map(long),
        old_date: input.details.old_date.map(long),
        new_date: input.details.new_date.map(long),
        attempt: input.details.attempt,
        reason: input
            .details
            .reason
            .map(|_| reason_phrase(locale, input.details)),
        signed_by: input.details.signed_by.clone(),
        pickup: input.details.pickup.as_ref().map(|p| PickupVars {
            name: p.name.clone(),
            address: p.address.clone(),
            hours: p.hours.clone(),
        }),
        discount_code: b.discount_code.clone(),
        recommendations: b.recommendations_for(s),
        parcel: input.order.map(|o| ParcelVars {
            position: o.position,
            parcels: o.parcels,
            items: s
                .parcel
                .iter()
                .flat_map(|p| &p.items)
                .map(|i| ItemVars {
                    title: i.title.clone(),
                    quantity: i.quantity,
                })
                .collect(),
            items_in_order: o.items_in_order,
            last_to_arrive: o.others_delivered,
        }),
    }
}

/// Fills the copy placeholders (`{order}`, `{brand}`...) with plain text.
fn fill(template: &str, input: &MessageInput<'_>, locale: &Locale, short: bool) -> String {
    let l = &locale.labels;
    let d = input.details;
    let date = |x: NaiveDate| date_text(x, locale, !short, input.today.year());
    let old = d.old_date.map_or_else(|| l.expected_day.to_owned(), date);
    let new = match (d.new_date, short) {
        (Some(x), true) => l.sms_new_date_known.replace("{new}", &date(x)),
        (Some(x), false) => l.new_date_known.replace("{new}", &date(x)),
        (None, true) => l.sms_new_date_unknown.to_owned(),
        (None, false) => l.new_date_unknown.to_owned(),
    };
    substitute(template, |placeholder| match placeholder {
        "order" => Some(input.shipment.order_number.clone()),
        "brand" => Some(input.merchant.brand_name.clone()),
        "name" | "first_name" => name_slot(placeholder, &input.shipment.customer.name),
        "attempt" => Some(d.attempt.unwrap_or(1).to_string()),
        "old" => Some(old.clone()),
        "new" => Some(new.clone()),
        "reason" => Some(reason_phrase(locale, d)),
        _ => None,
    })
}

/// Replaces each `{placeholder}` of `template` that `value` knows, in one pass: what a
/// value contains (an order number `{name}`, a brand with braces) is never scanned again.
/// Unknown placeholders stay as written.
pub fn substitute(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let known = after
            .find('}')
            .and_then(|close| value(&after[..close]).map(|v| (v, close)));
        match known {
            Some((v, close)) => {
                out.push_str(&v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn copy(locale: &Locale, milestone: Milestone) -> i18n::Copy {
    locale
        .copy
        .iter()
        .chain(i18n::EN.copy)
        .find(|(m, _)| *m == milestone)
        .map(|(_, c)| *c)
        .unwrap_or(i18n::Copy {
            subject: "{order}",
            headline: "",
            body: "",
            sms: "{brand}: {order}",
        })
}

#[derive(Serialize)]
struct Fact {
    label: String,
    value: String,
}

#[derive(Serialize)]
struct Layout {
    #[serde(flatten)]
    vars: Vars,
    subject: String,
    preheader: String,
    headline: String,
    greeting: String,
    body: String,
    highlights: Vec<String>,
    discount: Option<String>,
    facts: Vec<Fact>,
    track_button: String,
    /// Delivered: "How was your delivery?", linking to the tracking page's rating form.
    rating: Option<String>,
    recommendations_title: String,
    support: String,
    support_link: Option<String>,
    unsubscribe: String,
}

fn environment() -> Result<&'static Environment<'static>, TemplateError> {
    static ENV: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_formatter(crate::render::html_formatter);
        env.add_template("email.html", EMAIL_HTML)
            .and_then(|()| env.add_template("email.txt", EMAIL_TEXT))
            .map_err(|e| e.to_string())?;
        Ok(env)
    })
    .as_ref()
    .map_err(|message| TemplateError {
        part: "built-in",
        line: 0,
        column: 0,
        message: message.clone(),
    })
}

fn render_builtin(name: &str, ctx: &Layout) -> Result<String, TemplateError> {
    environment()?
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| TemplateError {
            part: "built-in",
            line: e.line().unwrap_or(0),
            column: 0,
            message: e.to_string(),
        })
}

/// "Parcel 1 of 2 · 2 of your 3 items", and what is in it, for a parcel of a split order.
fn parcel_lines(input: &MessageInput<'_>, locale: &Locale) -> Vec<String> {
    let l = &locale.labels;
    let Some(o) = input.order else {
        return Vec::new();
    };
    let count = |template: &str, n: String, total: String| {
        substitute(template, |slot| match slot {
            "n" => Some(n.clone()),
            "total" => Some(total.clone()),
            _ => None,
        })
    };
    let mut first = count(
        l.parcel_position,
        o.position.to_string(),
        o.parcels.to_string(),
    );
    if o.items_here > 0 && o.items_here < o.items_in_order {
        let share = count(
            l.parcel_share,
            o.items_here.to_string(),
            o.items_in_order.to_string(),
        );
        first = format!("{first} · {share}");
    }
    let mut lines = vec![first];
    let items: Vec<String> = input
        .shipment
        .parcel
        .iter()
        .flat_map(|p| &p.items)
        .map(|i| format!("{} × {}", i.quantity, i.title))
        .collect();
    if !items.is_empty() {
        lines.push(format!("{}: {}", l.parcel_contents, items.join(", ")));
    }
    lines
}

fn highlights(input: &MessageInput<'_>, v: &Vars, locale: &Locale) -> Vec<String> {
    let l = &locale.labels;
    let mut lines = parcel_lines(input, locale);
    let announces_eta = matches!(
        input.milestone,
        Milestone::LabelCreated | Milestone::InTransit | Milestone::OutForDelivery
    );
    // The shop's estimate where it is the better one (`crate::lanes`), labelled as the
    // shop's; it also says what "a little late" means in the trending-late message.
    let shop = input
        .shipment
        .prediction
        .as_ref()
        .filter(|p| p.preferred && p.latest >= input.today);
    match shop {
        Some(p) if announces_eta || input.milestone == Milestone::TrendingLate => {
            let range = date_range(locale, p.earliest.max(input.today), p.latest, input.today);
            let label = substitute(l.shop_estimate, |slot| {
                (slot == "brand").then(|| input.merchant.brand_name.clone())
            });
            lines.push(format!("{label}: {range}"));
        }
        _ => {
            if let Some(eta) = v.estimated_delivery.as_ref().filter(|_| announces_eta) {
                lines.push(format!("{}: {eta}", l.expected_delivery));
            }
        }
    }
    if let Some(signer) = v
        .signed_by
        .as_ref()
        .filter(|_| input.milestone == Milestone::Delivered)
    {
        lines.push(format!("{}: {signer}", l.signed_by));
    }
    if let Some(p) = v
        .pickup
        .as_ref()
        .filter(|_| input.milestone == Milestone::AvailableForPickup)
    {
        for (label, value) in [
            (l.pickup_point, &p.name),
            (l.pickup_address, &p.address),
            (l.pickup_hours, &p.hours),
        ] {
            if let Some(value) = value {
                lines.push(format!("{label}: {value}"));
            }
        }
    }
    lines
}

/// The built-in email: the merchant's brand, the customer's language.
pub fn builtin_email(input: &MessageInput<'_>) -> Result<Email, TemplateError> {
    let locale = resolve_locale(
        input.shipment.customer.locale.as_deref(),
        &input.merchant.branding.default_locale,
    );
    let c = copy(locale, input.milestone);
    let l = &locale.labels;
    let v = vars(input, locale);
    let body = fill(c.body, input, locale, false);
    let b = &input.merchant.branding;
    let layout = Layout {
        subject: fill(c.subject, input, locale, false),
        preheader: body.clone(),
        headline: fill(c.headline, input, locale, false),
        greeting: substitute(l.greeting, |slot| name_slot(slot, &v.customer.name)),
        body,
        highlights: highlights(input, &v, locale),
        discount: b
            .discount_code
            .as_ref()
            .filter(|_| input.milestone == Milestone::Delayed)
            .map(|code| l.discount.replace("{code}", code)),
        facts: vec![
            Fact {
                label: l.order.into(),
                value: v.order_number.clone(),
            },
            Fact {
                label: l.carrier.into(),
                value: v.carrier.clone(),
            },
            Fact {
                label: l.tracking_number.into(),
                value: v.tracking_number.clone(),
            },
        ],
        track_button: l.track_button.into(),
        // One rating request per order: with the delivery of its last parcel.
        rating: (input.milestone == Milestone::Delivered
            && input.order.is_none_or(|o| o.others_delivered))
        .then(|| i18n::page::page_words(locale).rating_title.to_owned()),
        recommendations_title: l.recommendations.into(),
        support: l.support.into(),
        support_link: b
            .support_url
            .clone()
            .or_else(|| b.support_email.as_ref().map(|e| format!("mailto:{e}"))),
        unsubscribe: l.unsubscribe.into(),
        vars: v,
    };
    Ok(Email {
        html: render_builtin("email.html", &layout)?,
        text: render_builtin("email.txt", &layout)?,
        subject: layout.subject,
        preheader: layout.preheader,
    })
}

/// The built-in SMS: one short sentence and the tracking link.
pub fn builtin_sms(input: &MessageInput<'_>) -> String {
    let locale = resolve_locale(
        input.shipment.customer.locale.as_deref(),
        &input.merchant.branding.default_locale,
    );
    let text = fill(copy(locale, input.milestone).sms, input, locale, true);
    // A split order's parcel says which one it is ("Parcel 1 of 2").
    let parcel = parcel_lines(input, locale).into_iter().next();
    match parcel {
        Some(which) => format!("{text} ({which}) {}", input.tracking_url),
        None => format!("{text} {}", input.tracking_url),
    }
}

/// A merchant's own template for one milestone, channel and locale. Email parts left out
/// fall back to the built-in ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The SMS body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

impl Override {
    fn parts(&self) -> Vec<(&'static str, &str)> {
        [
            ("subject", &self.subject),
            ("html", &self.html),
            ("text", &self.text),
            ("body", &self.body),
        ]
        .into_iter()
        .filter_map(|(name, part)| part.as_deref().map(|p| (name, p)))
        .collect()
    }
}

fn position(source: &str, byte: usize) -> (usize, usize) {
    let before = &source[..byte.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(before.chars().count(), |nl| {
        before[nl + 1..].chars().count()
    }) + 1;
    (line, column)
}

fn template_error(part: &'static str, source: &str, err: &minijinja::Error) -> TemplateError {
    let (line, column) = match err.range() {
        Some(range) => position(source, range.start),
        None => (err.line().unwrap_or(1), 1),
    };
    // Strict undefined behaviour: an unknown attribute (`customer.nmae`, a loop item's
    // field) fails at render time, pointing at the expression; name it.
    let expression = err
        .range()
        .and_then(|range| source.get(range))
        .map(str::trim)
        .filter(|e| !e.is_empty());
    let message = match (err.kind(), expression) {
        (minijinja::ErrorKind::UndefinedError, Some(expression)) => {
            format!("unknown variable `{expression}`; see the documented variables")
        }
        _ => err
            .detail()
            .map_or_else(|| err.kind().to_string(), str::to_owned),
    };
    TemplateError {
        part,
        line,
        column,
        message,
    }
}

/// Where a name is first used inside a template tag, for pointing at an unknown variable.
fn first_use(source: &str, name: &str) -> (usize, usize) {
    let mut offset = 0;
    while let Some(found) = source[offset..].find(name) {
        let at = offset + found;
        let before = source[..at].chars().last();
        let after = source[at + name.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        if !word(before) && !word(after) {
            return position(source, at);
        }
        offset = at + name.len();
    }
    (1, 1)
}

/// Whether `a.b.c` exists in the data; below a value the sample leaves empty (`pickup`
/// outside ready-for-pickup) anything is taken as known.
fn has_path(data: &minijinja::Value, path: &str) -> bool {
    let mut value = data.clone();
    for name in path.split('.') {
        if value.is_none() {
            return true;
        }
        match value.get_attr(name) {
            Ok(next) if !next.is_undefined() => value = next,
            _ => return false,
        }
    }
    true
}

/// A merchant template's budget per part: minijinja instructions (a loop over the four
/// recommendations takes a few hundred), nesting depth, and output size. A template over
/// any of them is refused at save time; at send time the built-in message goes instead.
pub const TEMPLATE_FUEL: u64 = 100_000;
pub const TEMPLATE_RECURSION: usize = 32;

/// The most a part may write: an email's HTML is far below Gmail's 102 KB clipping at
/// 100 KiB; a subject is one line; an SMS ten segments.
pub fn max_output(part: &str) -> usize {
    match part {
        "html" => 100 * 1024,
        "text" => 32 * 1024,
        "subject" => 1024,
        _ => 1600,
    }
}

/// Collects a part's output and stops it at its cap.
struct Capped {
    out: Vec<u8>,
    max: usize,
    full: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.out.len() + buf.len() > self.max {
            self.full = true;
            return Err(std::io::Error::other("output cap reached"));
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn env_for(part: &'static str) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(TEMPLATE_FUEL));
    env.set_recursion_limit(TEMPLATE_RECURSION);
    env.set_formatter(crate::render::html_formatter);
    // Only the HTML part is auto-escaped; subject, text and SMS are plain text.
    env.set_auto_escape_callback(move |_| {
        if part == "html" {
            minijinja::AutoEscape::Html
        } else {
            minijinja::AutoEscape::None
        }
    });
    env
}

fn render_part(part: &'static str, source: &str, vars: &Vars) -> Result<String, TemplateError> {
    let env = env_for(part);
    let template = env
        .template_from_str(source)
        .map_err(|e| template_error(part, source, &e))?;
    // An unknown name, else an unknown attribute of a documented one (`customer.nmae`),
    // checked against the data itself, so the error names it even where a filter would
    // fail first.
    let data = minijinja::Value::from_serialize(vars);
    let unknown = template
        .undeclared_variables(false)
        .into_iter()
        .filter(|name| !VARIABLES.contains(&name.as_str()))
        .min()
        .or_else(|| {
            template
                .undeclared_variables(true)
                .into_iter()
                .filter(|path| !has_path(&data, path))
                .min()
        });
    if let Some(unknown) = unknown {
        let (line, column) = first_use(source, &unknown);
        return Err(TemplateError {
            part,
            line,
            column,
            message: format!("unknown variable `{unknown}`; see the documented variables"),
        });
    }
    let mut out = Capped {
        out: Vec::new(),
        max: max_output(part),
        full: false,
    };
    let rendered = template.render_captured_to(vars, &mut out);
    let bounded = |message: String| TemplateError {
        part,
        line: 1,
        column: 1,
        message,
    };
    match rendered {
        Ok(_) => {}
        Err(_) if out.full => {
            return Err(bounded(format!(
                "writes more than {} KiB",
                max_output(part) / 1024
            )));
        }
        Err(e) if e.kind() == minijinja::ErrorKind::OutOfFuel => {
            return Err(bounded(format!(
                "takes more than {TEMPLATE_FUEL} steps to render (a loop over too much?)"
            )));
        }
        Err(e) => return Err(template_error(part, source, &e)),
    }
    String::from_utf8(out.out).map_err(|_| bounded("writes invalid UTF-8".into()))
}

/// Renders an email override over the built-in email (parts left out stay built-in).
pub fn override_email(ovr: &Override, vars: &Vars, builtin: Email) -> Result<Email, TemplateError> {
    let mut email = builtin;
    if let Some(s) = &ovr.subject {
        email.subject = render_part("subject", s, vars)?.trim().to_owned();
    }
    if let Some(s) = &ovr.html {
        email.html = render_part("html", s, vars)?;
    }
    if let Some(s) = &ovr.text {
        email.text = render_part("text", s, vars)?;
    }
    Ok(email)
}

pub fn override_sms(ovr: &Override, vars: &Vars) -> Result<Option<String>, TemplateError> {
    ovr.body
        .as_deref()
        .map(|s| render_part("body", s, vars).map(|b| b.trim().to_owned()))
        .transpose()
}

/// What a saved override produces with sample data, and what to warn about.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub rendered: Override,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segments: Option<Segments>,
    pub warnings: Vec<String>,
}

/// What a template is checked with before it is saved: the full sample, then the same
/// with everything a real message may lack (no dates, reason, attempt, pickup point,
/// signer, discount code or recommendations), so what passes here renders at send time.
pub fn check(ovr: &Override, vars: &Vars) -> Result<Preview, TemplateError> {
    let previewed = preview(ovr, vars)?;
    preview(ovr, &sparse(vars)).map_err(|mut err| {
        err.message = format!(
            "{} (with data a real message can lack: no dates, reason, pickup point, signer, discount code or recommendations; guard with {{% if ... %}})",
            err.message
        );
        err
    })?;
    Ok(previewed)
}

/// `vars` without any of the optional values.
pub fn sparse(vars: &Vars) -> Vars {
    Vars {
        estimated_delivery: None,
        old_date: None,
        new_date: None,
        attempt: None,
        reason: None,
        signed_by: None,
        pickup: None,
        discount_code: None,
        recommendations: Vec::new(),
        parcel: None,
        ..vars.clone()
    }
}

/// Checks every part of an override against sample data: syntax, unknown variables and
/// rendering errors are `TemplateError`s naming line and column; an SMS over two segments is
/// a warning (the merchant pays per segment).
pub fn preview(ovr: &Override, vars: &Vars) -> Result<Preview, TemplateError> {
    let mut rendered = Override::default();
    for (part, source) in ovr.parts() {
        let out = render_part(part, source, vars)?;
        match part {
            "subject" => rendered.subject = Some(out.trim().to_owned()),
            "html" => rendered.html = Some(out),
            "text" => rendered.text = Some(out),
            _ => rendered.body = Some(out.trim().to_owned()),
        }
    }
    let segments = rendered.body.as_deref().map(sms::segments);
    let warnings = segments
        .filter(|s| s.count > 2)
        .map(|s| {
            vec![format!(
                "this SMS needs {} segments ({}); each segment is billed",
                s.count, s.encoding
            )]
        })
        .unwrap_or_default();
    Ok(Preview {
        rendered,
        segments,
        warnings,
    })
}

/// The sample customer, parcel and details previews render with.
fn sample_parts(
    merchant: &Merchant,
    locale_tag: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> (crate::model::Shipment, Details) {
    let today = now.date_naive();
    let mut shipment = crate::model::Shipment::registered(
        "shp_sample".into(),
        merchant.merchant_id.clone(),
        "0123456789abcdef0123456789abcdef".into(),
        crate::model::NewShipment {
            tracking_number: "1Z999AA10123456784".into(),
            carrier: "ups".into(),
            order_number: "#1001".into(),
            customer: crate::model::Customer {
                name: "Alex Sample".into(),
                // Both valid: `ok()` only keeps an unwrap off a request path.
                email: crate::EmailAddress::parse("alex@example.com").ok(),
                phone: crate::PhoneNumber::parse("+15555550100").ok(),
                locale: Some(crate::i18n::LocaleTag::stored(locale_tag)),
                timezone: "UTC".into(),
            },
            promised_delivery_date: Some(today),
            service: None,
            destination_country: None,
            origin_country: None,
            origin_region: None,
            destination_region: None,
        },
        now,
    );
    shipment.status = crate::Status::InTransit;
    shipment.estimated_delivery = today.succ_opt();
    shipment.parcel = Some(crate::model::OrderParcel {
        platform: "shopify".into(),
        order_id: "1001".into(),
        parcel_id: "1".into(),
        name: Some("#1001.1".into()),
        items: vec![crate::model::LineItem {
            title: "Sample item".into(),
            quantity: 2,
            sku: None,
            product_id: None,
            image_url: None,
        }],
        as_of: now,
        cancelled_at: None,
    });
    let details = Details {
        old_date: Some(today),
        new_date: today.succ_opt().and_then(|d| d.succ_opt()),
        reason: Some(crate::reason::Reason::AddressIssue),
        attempt: Some(1),
        pickup: Some(crate::model::Pickup {
            name: Some("Corner Shop".into()),
            address: Some("1 Main Street".into()),
            hours: Some("Mon-Sat 9:00-18:00".into()),
        }),
        signed_by: Some("A. SAMPLE".into()),
        location: None,
    };
    (shipment, details)
}

fn sample_input<'a>(
    milestone: Milestone,
    shipment: &'a crate::model::Shipment,
    details: &'a Details,
    merchant: &'a Merchant,
    today: NaiveDate,
) -> MessageInput<'a> {
    MessageInput {
        milestone,
        details,
        shipment,
        merchant,
        carrier_name: "UPS",
        tracking_url: "https://track.example.com/t/0123456789abcdef0123456789abcdef",
        unsubscribe_url: "https://track.example.com/u/0123456789abcdef0123456789abcdef",
        today,
        // The first of two parcels, with two of the order's three items.
        order: Some(crate::orders::OrderContext {
            position: 1,
            parcels: 2,
            items_here: 2,
            items_in_order: 3,
            others_delivered: false,
        }),
    }
}

/// Variables filled with sample data, for previews: the merchant's real brand, a sample
/// customer and parcel, and details that fit the milestone.
pub fn sample_vars(
    milestone: Milestone,
    merchant: &Merchant,
    locale_tag: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Vars {
    let (shipment, details) = sample_parts(merchant, locale_tag, now);
    let input = sample_input(milestone, &shipment, &details, merchant, now.date_naive());
    vars(
        &input,
        resolve_locale(Some(locale_tag), &merchant.branding.default_locale),
    )
}

/// A message as a customer would get it, with sample data: the built-in copy, or the
/// merchant's template over it. Email has a subject and HTML; an SMS only its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SampleMessage {
    pub subject: Option<String>,
    pub html: Option<String>,
    pub text: String,
}

pub fn sample_message(
    milestone: Milestone,
    channel: crate::Channel,
    merchant: &Merchant,
    locale_tag: &str,
    template: Option<&Override>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<SampleMessage, TemplateError> {
    let (shipment, details) = sample_parts(merchant, locale_tag, now);
    let input = sample_input(milestone, &shipment, &details, merchant, now.date_naive());
    compose(&input, channel, template)
}

/// A message for its channel as notify renders it: the built-in copy in the customer's
/// language, or the merchant's template over it (the dashboard shows one this way).
pub fn compose(
    input: &MessageInput<'_>,
    channel: crate::Channel,
    template: Option<&Override>,
) -> Result<SampleMessage, TemplateError> {
    let locale = resolve_locale(
        input.shipment.customer.locale.as_deref(),
        &input.merchant.branding.default_locale,
    );
    match channel {
        crate::Channel::Email => {
            let builtin = builtin_email(input)?;
            let email = match template {
                Some(t) => override_email(t, &vars(input, locale), builtin)?,
                None => builtin,
            };
            Ok(SampleMessage {
                subject: Some(email.subject),
                html: Some(email.html),
                text: email.text,
            })
        }
        crate::Channel::Sms => {
            let own = template
                .map(|t| override_sms(t, &vars(input, locale)))
                .transpose()?
                .flatten();
            Ok(SampleMessage {
                subject: None,
                html: None,
                text: own.unwrap_or_else(|| builtin_sms(input)),
            })
        }
    }
}

/// The carrier's name as messages say it: afterclick's name for a carrier it knows, else
/// the store's own name for it, else its code in capitals.
pub fn carrier_display_name(shipment: &crate::model::Shipment) -> String {
    crate::providers::carriers::carrier(&shipment.carrier).map_or_else(
        || {
            shipment
                .carrier_name
                .clone()
                .unwrap_or_else(|| shipment.carrier.to_uppercase())
        },
        |c| c.name.to_owned(),
    )
}

#[cfg(test)]
mod tests;

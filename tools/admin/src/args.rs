//! The command line, parsed by hand: a few subcommands with `--option value` pairs.

use std::collections::BTreeMap;

pub const USAGE: &str = "\
usage: afterclick-admin [--endpoint URL] [--table NAME] <command>

commands:
  merchant create --id <id> --name <brand> --sender-email <address> [--sender-domain <domain>]...
  merchant show   --id <id>
  key issue       --merchant <id> [--name <label>]
  key list        --merchant <id>
  key revoke      --merchant <id> --key-id <key id>
  secrets seal    (seals the webhook and endpoint secrets stored before sealing existed)

options:
  --endpoint URL  DynamoDB endpoint (default: $AWS_ENDPOINT_URL, else AWS itself)
  --table NAME    the afterclick table (default: $AFTERCLICK_TABLE)

Secrets are sealed under the KMS key $SECRETS_KEY_ID ($AWS_ENDPOINT_URL_KMS locally).

Credentials and region come from the usual AWS environment.
A new merchant's sender domain defaults to its sender address's domain.";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    CreateMerchant {
        id: String,
        name: String,
        sender_email: String,
        sender_domains: Vec<String>,
    },
    ShowMerchant {
        id: String,
    },
    IssueKey {
        merchant: String,
        name: Option<String>,
    },
    ListKeys {
        merchant: String,
    },
    RevokeKey {
        merchant: String,
        key_id: String,
    },
    SealSecrets,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub endpoint: Option<String>,
    pub table: Option<String>,
    pub command: Command,
}

/// Words and `--name value` options (also `--name=value`); options may repeat.
struct Parsed {
    words: Vec<String>,
    options: BTreeMap<String, Vec<String>>,
}

fn split(args: &[String]) -> Result<Parsed, String> {
    let mut words = Vec::new();
    let mut options: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let Some(option) = arg.strip_prefix("--") else {
            words.push(arg.clone());
            continue;
        };
        let (name, value) = match option.split_once('=') {
            Some((name, value)) => (name.to_owned(), value.to_owned()),
            None => {
                let value = rest
                    .next()
                    .filter(|v| !v.starts_with("--"))
                    .ok_or_else(|| format!("--{option} needs a value"))?;
                (option.to_owned(), value.clone())
            }
        };
        options.entry(name).or_default().push(value);
    }
    Ok(Parsed { words, options })
}

impl Parsed {
    /// An option given at most once.
    fn optional(&mut self, name: &str) -> Result<Option<String>, String> {
        match self.options.remove(name) {
            None => Ok(None),
            Some(mut values) if values.len() == 1 => Ok(values.pop()),
            Some(_) => Err(format!("--{name} may be given only once")),
        }
    }

    fn required(&mut self, name: &str) -> Result<String, String> {
        self.optional(name)?
            .ok_or_else(|| format!("--{name} is required"))
    }

    fn repeated(&mut self, name: &str) -> Vec<String> {
        self.options.remove(name).unwrap_or_default()
    }
}

pub fn parse(args: &[String]) -> Result<Invocation, String> {
    let mut p = split(args)?;
    let endpoint = p.optional("endpoint")?;
    let table = p.optional("table")?;
    let words: Vec<&str> = p.words.iter().map(String::as_str).collect();
    let command = match words.as_slice() {
        ["merchant", "create"] => Command::CreateMerchant {
            id: p.required("id")?,
            name: p.required("name")?,
            sender_email: p.required("sender-email")?,
            sender_domains: p.repeated("sender-domain"),
        },
        ["merchant", "show"] => Command::ShowMerchant {
            id: p.required("id")?,
        },
        ["key", "issue"] => Command::IssueKey {
            merchant: p.required("merchant")?,
            name: p.optional("name")?,
        },
        ["key", "list"] => Command::ListKeys {
            merchant: p.required("merchant")?,
        },
        ["key", "revoke"] => Command::RevokeKey {
            merchant: p.required("merchant")?,
            key_id: p.required("key-id")?,
        },
        ["secrets", "seal"] => Command::SealSecrets,
        [] => return Err("no command given".into()),
        other => return Err(format!("unknown command `{}`", other.join(" "))),
    };
    if let Some(unknown) = p.options.keys().next() {
        return Err(format!("unknown option --{unknown} for this command"));
    }
    Ok(Invocation {
        endpoint,
        table,
        command,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn commands_parse_with_options_in_any_order() {
        let cases = [
            (
                "merchant create --id m_1 --name Acme --sender-email a@acme.example --sender-domain acme.example --sender-domain shop.example --table t",
                Command::CreateMerchant {
                    id: "m_1".into(),
                    name: "Acme".into(),
                    sender_email: "a@acme.example".into(),
                    sender_domains: vec!["acme.example".into(), "shop.example".into()],
                },
            ),
            (
                "--endpoint=http://localhost:8000 merchant show --id m_1",
                Command::ShowMerchant { id: "m_1".into() },
            ),
            (
                "key issue --merchant m_1 --name ci",
                Command::IssueKey {
                    merchant: "m_1".into(),
                    name: Some("ci".into()),
                },
            ),
            (
                "key list --merchant m_1",
                Command::ListKeys {
                    merchant: "m_1".into(),
                },
            ),
            (
                "key --key-id k1 revoke --merchant m_1",
                Command::RevokeKey {
                    merchant: "m_1".into(),
                    key_id: "k1".into(),
                },
            ),
        ];
        for (line, expected) in cases {
            assert_eq!(parse(&args(line)).unwrap().command, expected, "{line}");
        }
        let global = parse(&args("--table t --endpoint e key list --merchant m")).unwrap();
        assert_eq!(
            (global.table.as_deref(), global.endpoint.as_deref()),
            (Some("t"), Some("e"))
        );
    }

    #[test]
    fn mistakes_are_named() {
        let cases = [
            ("", "no command given"),
            (
                "merchant delete --id m",
                "unknown command `merchant delete`",
            ),
            ("merchant show", "--id is required"),
            ("merchant show --id", "--id needs a value"),
            ("merchant show --id a --id b", "--id may be given only once"),
            (
                "key list --merchant m --force yes",
                "unknown option --force for this command",
            ),
            ("key issue --name --merchant m", "--name needs a value"),
        ];
        for (line, message) in cases {
            assert_eq!(parse(&args(line)).unwrap_err(), message, "{line}");
        }
    }
}

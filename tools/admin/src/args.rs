//! The command line, declared with clap: `afterclick-admin [--endpoint URL] [--table NAME]
//! <merchant|key|secrets> <verb> [--option value]...`. clap writes `--help` and the usage
//! errors (exit 2).

use clap::{Parser, Subcommand};

const AFTER_HELP: &str = "\
Secrets are sealed under the KMS key $SECRETS_KEY_ID ($AWS_ENDPOINT_URL_KMS locally).

Credentials and region come from the usual AWS environment.
Exit codes: 0 done, 1 refused by the table, 2 bad arguments, 3 the table could not be reached.";

/// The operator's CLI for merchants and API keys, against the afterclick table.
#[derive(Debug, Parser)]
#[command(name = "afterclick-admin", after_help = AFTER_HELP)]
pub struct Invocation {
    /// DynamoDB endpoint (else $AWS_ENDPOINT_URL, else AWS itself)
    // The service's own variable first, as the AWS SDK reads them; `AWS_ENDPOINT_URL` is
    // the fallback `main` applies (clap takes one variable per option).
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "AWS_ENDPOINT_URL_DYNAMODB",
        help_heading = "Global options"
    )]
    pub endpoint: Option<String>,
    /// The afterclick table (required)
    // Not `required`: clap forbids required global options; `main` asks for it.
    #[arg(
        long,
        global = true,
        value_name = "NAME",
        env = "AFTERCLICK_TABLE",
        help_heading = "Global options"
    )]
    pub table: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Create a merchant or show one
    #[command(subcommand)]
    Merchant(MerchantCommand),
    /// Issue, list and revoke a merchant's API keys
    #[command(subcommand)]
    Key(KeyCommand),
    /// Seal the webhook and endpoint secrets stored before sealing existed
    #[command(subcommand)]
    Secrets(SecretsCommand),
}

#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum MerchantCommand {
    /// Create a merchant (no webhook secrets yet, no keys)
    Create {
        /// The merchant's id: 2 to 64 lowercase letters, digits, `_` or `-`
        #[arg(long, value_name = "ID")]
        id: String,
        /// The brand name customers see
        #[arg(long, value_name = "BRAND")]
        name: String,
        /// The address its emails are sent from
        #[arg(long, value_name = "ADDRESS")]
        sender_email: String,
        /// A domain the merchant may send from; repeat for more [default: the sender
        /// address's domain]
        #[arg(long = "sender-domain", value_name = "DOMAIN")]
        sender_domains: Vec<String>,
    },
    /// Show a merchant: sender, domains, webhooks, how many keys are valid
    Show {
        /// The merchant's id
        #[arg(long, value_name = "ID")]
        id: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum KeyCommand {
    /// Issue a key, printed once on stdout (only its SHA-256 is kept)
    Issue {
        /// The merchant's id
        #[arg(long, value_name = "ID")]
        merchant: String,
        /// A label for the key
        #[arg(long, value_name = "LABEL")]
        name: Option<String>,
    },
    /// List a merchant's keys: id, name, created, status (never a key)
    List {
        /// The merchant's id
        #[arg(long, value_name = "ID")]
        merchant: String,
    },
    /// Revoke a key: it stops working at once
    Revoke {
        /// The merchant's id
        #[arg(long, value_name = "ID")]
        merchant: String,
        /// The key's id, as `key list` shows it
        #[arg(long, value_name = "KEY_ID")]
        key_id: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum SecretsCommand {
    /// Seal the secrets stored in the clear by versions before sealing; safe to repeat
    Seal,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use clap::error::ErrorKind;

    fn parse(line: &str) -> Result<Invocation, clap::Error> {
        Invocation::try_parse_from(
            std::iter::once("afterclick-admin").chain(line.split_whitespace()),
        )
    }

    #[test]
    fn the_declaration_is_consistent() {
        Invocation::command().debug_assert();
    }

    #[test]
    fn commands_parse_with_options_in_any_order() {
        let cases = [
            (
                "merchant create --id m_1 --name Acme --sender-email a@acme.example --sender-domain acme.example --sender-domain shop.example --table t",
                Command::Merchant(MerchantCommand::Create {
                    id: "m_1".into(),
                    name: "Acme".into(),
                    sender_email: "a@acme.example".into(),
                    sender_domains: vec!["acme.example".into(), "shop.example".into()],
                }),
            ),
            (
                "merchant create --sender-email a@acme.example --name Acme --id m_1",
                Command::Merchant(MerchantCommand::Create {
                    id: "m_1".into(),
                    name: "Acme".into(),
                    sender_email: "a@acme.example".into(),
                    sender_domains: Vec::new(),
                }),
            ),
            (
                "--endpoint=http://localhost:8000 merchant show --id m_1",
                Command::Merchant(MerchantCommand::Show { id: "m_1".into() }),
            ),
            (
                "key issue --merchant m_1 --name ci",
                Command::Key(KeyCommand::Issue {
                    merchant: "m_1".into(),
                    name: Some("ci".into()),
                }),
            ),
            (
                "key list --merchant m_1",
                Command::Key(KeyCommand::List {
                    merchant: "m_1".into(),
                }),
            ),
            (
                "key revoke --key-id k1 --merchant m_1",
                Command::Key(KeyCommand::Revoke {
                    merchant: "m_1".into(),
                    key_id: "k1".into(),
                }),
            ),
            ("secrets seal", Command::Secrets(SecretsCommand::Seal)),
        ];
        for (line, expected) in cases {
            assert_eq!(parse(line).unwrap().command, expected, "{line}");
        }
        for line in [
            "--table t --endpoint e key list --merchant m",
            "key list --merchant m --endpoint e --table t",
        ] {
            let global = parse(line).unwrap();
            assert_eq!(
                (global.table.as_deref(), global.endpoint.as_deref()),
                (Some("t"), Some("e")),
                "{line}"
            );
        }
    }

    #[test]
    fn the_globals_fall_back_to_the_environment() {
        let command = Invocation::command();
        let env = |name: &str| {
            command
                .get_arguments()
                .find(|a| a.get_id() == name)
                .and_then(|a| a.get_env())
                .and_then(|v| v.to_str())
                .map(str::to_owned)
        };
        assert_eq!(env("table").as_deref(), Some("AFTERCLICK_TABLE"));
        assert_eq!(
            env("endpoint").as_deref(),
            Some("AWS_ENDPOINT_URL_DYNAMODB")
        );
    }

    #[test]
    fn mistakes_are_named() {
        let cases = [
            (
                "",
                ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand,
                "Usage:",
            ),
            (
                "merchant delete --id m",
                ErrorKind::InvalidSubcommand,
                "'delete'",
            ),
            (
                "merchant show",
                ErrorKind::MissingRequiredArgument,
                "--id <ID>",
            ),
            ("merchant show --id", ErrorKind::InvalidValue, "'--id <ID>'"),
            (
                "merchant show --id a --id b",
                ErrorKind::ArgumentConflict,
                "'--id <ID>' cannot be used multiple times",
            ),
            (
                "key list --merchant m --force yes",
                ErrorKind::UnknownArgument,
                "'--force'",
            ),
            (
                "key issue --name --merchant m",
                ErrorKind::InvalidValue,
                "'--name <LABEL>'",
            ),
        ];
        for (line, kind, named) in cases {
            let err = parse(line).unwrap_err();
            assert_eq!(err.kind(), kind, "{line}: {err}");
            assert!(err.to_string().contains(named), "{line}: {err}");
            assert_eq!(err.exit_code(), 2, "{line}");
        }
        let help = parse("--help").unwrap_err();
        assert_eq!((help.kind(), help.exit_code()), (ErrorKind::DisplayHelp, 0));
        let text = help.to_string();
        for command in ["merchant", "key", "secrets", "--endpoint", "--table"] {
            assert!(text.contains(command), "{command} missing from:\n{text}");
        }
    }
}

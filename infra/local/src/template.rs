//! Reads `infra/template.yaml`: the table definition and the DynamoDB event source
//! mappings, so the devstack runs exactly what would be deployed.

use serde_yaml::Value;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("cannot read the template: {0}")]
    Io(#[from] std::io::Error),
    #[error("the template is not YAML: {0}")]
    Yaml(#[from] serde_yaml::Error),
    #[error("the template has {0}")]
    Shape(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyElement {
    pub name: String,
    /// HASH or RANGE.
    pub key_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub name: String,
    pub keys: Vec<KeyElement>,
    pub projection: String,
    pub non_key_attributes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDef {
    /// (name, S|N|B)
    pub attributes: Vec<(String, String)>,
    pub keys: Vec<KeyElement>,
    pub indexes: Vec<Index>,
    pub stream_view_type: String,
}

/// One DynamoDB stream event source mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamMapping {
    pub function: String,
    /// The function's binary (`Metadata.BuildProperties.Binary`): which handler to invoke.
    pub binary: String,
    pub batch_size: usize,
    pub maximum_retry_attempts: u32,
    pub report_batch_item_failures: bool,
    /// Concurrent batches per shard (1 to 10); records of one partition key stay in order.
    pub parallelization_factor: usize,
    /// FilterCriteria patterns; a record passes if any matches (none: all pass).
    pub filters: Vec<serde_json::Value>,
}

/// One function as Lambda would run it.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDef {
    /// The resource name (`NotifyFunction`).
    pub name: String,
    pub binary: String,
    pub memory_mb: u32,
    pub timeout_seconds: u64,
}

#[derive(Debug, Clone)]
pub struct Template {
    pub table: TableDef,
    pub mappings: Vec<StreamMapping>,
    pub functions: Vec<FunctionDef>,
}

/// A function's setting, else the template's `Globals.Function` one.
fn setting(doc: &Value, function: &Value, key: &str) -> Option<u64> {
    function
        .get("Properties")
        .and_then(|p| p.get(key))
        .or_else(|| doc.get("Globals")?.get("Function")?.get(key))
        .and_then(Value::as_u64)
}

fn shape(what: impl Into<String>) -> TemplateError {
    TemplateError::Shape(what.into())
}

fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn keys(v: Option<&Value>) -> Result<Vec<KeyElement>, TemplateError> {
    v.and_then(Value::as_sequence)
        .ok_or_else(|| shape("a KeySchema that is not a list"))?
        .iter()
        .map(|k| {
            Ok(KeyElement {
                name: str_at(k, "AttributeName")
                    .ok_or_else(|| shape("a key without AttributeName"))?
                    .to_owned(),
                key_type: str_at(k, "KeyType")
                    .ok_or_else(|| shape("a key without KeyType"))?
                    .to_owned(),
            })
        })
        .collect()
}

fn table(props: &Value) -> Result<TableDef, TemplateError> {
    let attributes = props
        .get("AttributeDefinitions")
        .and_then(Value::as_sequence)
        .ok_or_else(|| shape("a table without AttributeDefinitions"))?
        .iter()
        .map(
            |a| match (str_at(a, "AttributeName"), str_at(a, "AttributeType")) {
                (Some(n), Some(t)) => Ok((n.to_owned(), t.to_owned())),
                _ => Err(shape("an incomplete attribute definition")),
            },
        )
        .collect::<Result<_, _>>()?;
    let indexes = props
        .get("GlobalSecondaryIndexes")
        .and_then(Value::as_sequence)
        .map(|list| {
            list.iter()
                .map(|gsi| {
                    let projection = gsi.get("Projection");
                    Ok(Index {
                        name: str_at(gsi, "IndexName")
                            .ok_or_else(|| shape("an index without IndexName"))?
                            .to_owned(),
                        keys: keys(gsi.get("KeySchema"))?,
                        projection: projection
                            .and_then(|p| str_at(p, "ProjectionType"))
                            .unwrap_or("ALL")
                            .to_owned(),
                        non_key_attributes: projection
                            .and_then(|p| p.get("NonKeyAttributes"))
                            .and_then(Value::as_sequence)
                            .map(|l| {
                                l.iter()
                                    .filter_map(Value::as_str)
                                    .map(str::to_owned)
                                    .collect()
                            })
                            .unwrap_or_default(),
                    })
                })
                .collect::<Result<Vec<_>, TemplateError>>()
        })
        .transpose()?
        .unwrap_or_default();
    Ok(TableDef {
        attributes,
        keys: keys(props.get("KeySchema"))?,
        indexes,
        stream_view_type: props
            .get("StreamSpecification")
            .and_then(|s| str_at(s, "StreamViewType"))
            .ok_or_else(|| shape("a table without a stream"))?
            .to_owned(),
    })
}

fn mappings(name: &str, function: &Value) -> Result<Vec<StreamMapping>, TemplateError> {
    let binary = function
        .get("Metadata")
        .and_then(|m| m.get("BuildProperties"))
        .and_then(|b| str_at(b, "Binary"))
        .unwrap_or(name)
        .to_owned();
    let Some(events) = function
        .get("Properties")
        .and_then(|p| p.get("Events"))
        .and_then(Value::as_mapping)
    else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for event in events.values() {
        if str_at(event, "Type") != Some("DynamoDB") {
            continue;
        }
        let props = event
            .get("Properties")
            .ok_or_else(|| shape(format!("a DynamoDB event of {name} without Properties")))?;
        let filters = props
            .get("FilterCriteria")
            .and_then(|f| f.get("Filters"))
            .and_then(Value::as_sequence)
            .map(|list| {
                list.iter()
                    .map(|f| {
                        let raw = str_at(f, "Pattern")
                            .ok_or_else(|| shape(format!("a filter of {name} without Pattern")))?;
                        serde_json::from_str(raw)
                            .map_err(|e| shape(format!("a filter of {name} that is not JSON: {e}")))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?
            .unwrap_or_default();
        let number =
            |key: &str, default: u64| props.get(key).and_then(Value::as_u64).unwrap_or(default);
        out.push(StreamMapping {
            function: name.to_owned(),
            binary: binary.clone(),
            batch_size: usize::try_from(number("BatchSize", 100)).unwrap_or(100),
            // Lambda's default is -1 (retry until the record expires); bound it locally.
            maximum_retry_attempts: u32::try_from(number("MaximumRetryAttempts", 10)).unwrap_or(10),
            report_batch_item_failures: props
                .get("FunctionResponseTypes")
                .and_then(Value::as_sequence)
                .is_some_and(|l| {
                    l.iter()
                        .any(|t| t.as_str() == Some("ReportBatchItemFailures"))
                }),
            parallelization_factor: usize::try_from(number("ParallelizationFactor", 1))
                .unwrap_or(1)
                .clamp(1, 10),
            filters,
        });
    }
    Ok(out)
}

impl Template {
    pub fn load(path: &Path) -> Result<Self, TemplateError> {
        Self::parse(&std::fs::read_to_string(path)?)
    }

    pub fn parse(yaml: &str) -> Result<Self, TemplateError> {
        let doc: Value = serde_yaml::from_str(yaml)?;
        let resources = doc
            .get("Resources")
            .and_then(Value::as_mapping)
            .ok_or_else(|| shape("no Resources"))?;
        let mut table_def = None;
        let mut all = Vec::new();
        let mut functions = Vec::new();
        for (name, resource) in resources {
            let name = name.as_str().unwrap_or_default();
            match str_at(resource, "Type") {
                Some("AWS::DynamoDB::Table") => {
                    let props = resource
                        .get("Properties")
                        .ok_or_else(|| shape("a table without Properties"))?;
                    table_def = Some(table(props)?);
                }
                Some("AWS::Serverless::Function") => {
                    all.extend(mappings(name, resource)?);
                    functions.push(FunctionDef {
                        name: name.to_owned(),
                        binary: resource
                            .get("Metadata")
                            .and_then(|m| m.get("BuildProperties"))
                            .and_then(|b| str_at(b, "Binary"))
                            .unwrap_or(name)
                            .to_owned(),
                        // Lambda's defaults: 128 MB, 3 s.
                        memory_mb: u32::try_from(
                            setting(&doc, resource, "MemorySize").unwrap_or(128),
                        )
                        .unwrap_or(128),
                        timeout_seconds: setting(&doc, resource, "Timeout").unwrap_or(3),
                    });
                }
                _ => {}
            }
        }
        Ok(Self {
            table: table_def.ok_or_else(|| shape("no AWS::DynamoDB::Table"))?,
            mappings: all,
            functions,
        })
    }
}

/// The HTTP API routes (method, path) that API Gateway sends to one function: only these
/// reach its Router on AWS, so they must match the routes it serves.
pub fn http_api_routes(yaml: &str, function: &str) -> Result<Vec<(String, String)>, TemplateError> {
    let doc: Value = serde_yaml::from_str(yaml)?;
    let events = doc
        .get("Resources")
        .and_then(|r| r.get(function))
        .and_then(|f| f.get("Properties"))
        .and_then(|p| p.get("Events"))
        .and_then(Value::as_mapping)
        .ok_or_else(|| shape("no such function with Events"))?;
    let mut routes = Vec::new();
    for event in events.values() {
        if str_at(event, "Type") != Some("HttpApi") {
            continue;
        }
        let props = event.get("Properties");
        let field = |name: &str| {
            props
                .and_then(|p| p.get(name))
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| shape("an HttpApi event without Method or Path"))
        };
        routes.push((field("Method")?, field("Path")?));
    }
    Ok(routes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_project_template() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
        let t = Template::load(&path).unwrap();
        assert_eq!(t.table.keys[0].name, "PK");
        assert_eq!(t.table.stream_view_type, "NEW_AND_OLD_IMAGES");
        let binaries: Vec<_> = t.mappings.iter().map(|m| m.binary.as_str()).collect();
        assert!(binaries.contains(&"milestones") && binaries.contains(&"notify"));
        for m in &t.mappings {
            assert!(m.report_batch_item_failures, "{}", m.function);
            assert!(!m.filters.is_empty(), "{} has no filter", m.function);
            assert!(m.maximum_retry_attempts <= 10);
            // Order per shipment is all any consumer needs: none may run one batch per shard.
            assert!(m.parallelization_factor > 1, "{}", m.function);
            // Lambda's default quota of filters per event source mapping.
            assert!(m.filters.len() <= 5, "{}", m.function);
        }
    }

    /// The sweeper's wake-ups reach notify and dispatch (and nothing else); their own
    /// updates, which remove `woken_at`, do not.
    #[test]
    fn wake_ups_reach_notify_and_dispatch_and_their_own_updates_do_not() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
        let t = Template::load(&path).unwrap();
        let record = |name: &str, kind: &str, woken: bool| {
            let mut image = serde_json::json!({"type": {"S": kind}, "state": {"S": "deferred"}});
            if woken {
                image["woken_at"] = serde_json::json!({"S": "2026-11-18T12:00:00.000000000Z"});
            }
            serde_json::json!({"eventName": name, "dynamodb": {"NewImage": image}})
        };
        let takes = |binary: &str, r: &serde_json::Value| {
            let m = t.mappings.iter().find(|m| m.binary == binary).unwrap();
            crate::filter::matches_any(&m.filters, r)
        };
        for (binary, kind) in [("notify", "notification"), ("dispatch", "webhook_delivery")] {
            assert!(takes(binary, &record("MODIFY", kind, true)), "{binary}");
            assert!(!takes(binary, &record("MODIFY", kind, false)), "{binary}");
            assert!(takes(binary, &record("INSERT", kind, false)), "{binary}");
            assert!(!takes("milestones", &record("MODIFY", kind, true)));
        }
        assert!(!takes(
            "notify",
            &record("MODIFY", "webhook_delivery", true)
        ));
        assert!(!takes("dispatch", &record("MODIFY", "notification", true)));
    }
}

//! Every dialect's wire types against its seed: the seed's own examples, required and
//! optional fields, unknown fields, nulls, the wrong dialect, arbitrary JSON (never a panic),
//! and encode → decode round trips of generated vault keys.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use keydeck_core::remote::{DialectId, ServedKey};
use keydeck_core::{KeyRecord, KeyStatus, Secret};
use proptest::prelude::*;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{json, Value};

fn decode(
    dialect: DialectId,
    body: &Value,
) -> Result<Vec<keydeck_core::remote::RemoteKey>, String> {
    dialect
        .dialect()
        .decode_page(&serde_json::to_vec(body).unwrap())
        .map(|page| page.keys)
}

fn time(text: &str) -> Option<DateTime<Utc>> {
    Some(
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc),
    )
}

#[test]
fn d000_seed_example() {
    let seed = json!([{ "active": true, "allow_self_revoke": true, "allowed_scopes": ["example"],
        "created_at": "2026-04-15T12:00:00Z", "id": "2489E9AD-2EE2-8E00-8EC9-32D5F69181C0",
        "last_used_at": "2026-04-15T12:00:00Z", "masked_key": "example", "name": "example",
        "org_id": "2489E9AD-2EE2-8E00-8EC9-32D5F69181C0", "workspace_id": "2489E9AD-2EE2-8E00-8EC9-32D5F69181C1" }]);
    let keys = decode(DialectId::D000, &seed).unwrap();
    let k = &keys[0];
    assert_eq!(k.id, "2489E9AD-2EE2-8E00-8EC9-32D5F69181C0");
    assert_eq!((k.name.as_str(), k.mask.as_str()), ("example", "example"));
    assert_eq!(k.scopes, vec!["example"]);
    assert_eq!(k.created_at, time("2026-04-15T12:00:00Z"));
    assert_eq!(k.last_used_at, time("2026-04-15T12:00:00Z"));
    assert!(!k.revoked && k.status_known);
    assert_eq!(
        k.owner.as_deref(),
        Some("2489E9AD-2EE2-8E00-8EC9-32D5F69181C0")
    );
    assert_eq!(
        k.details["workspace_id"],
        "2489E9AD-2EE2-8E00-8EC9-32D5F69181C1"
    );
    assert_eq!(k.details["allow_self_revoke"], true);
    assert!(k.secret.is_none(), "000 returns no plaintext");

    let inactive = decode(DialectId::D000, &json!([{ "id": "x", "active": false }])).unwrap();
    assert!(
        inactive[0].revoked,
        "active: false is a key that no longer works"
    );
    let unknown = decode(DialectId::D000, &json!([{ "id": "x" }])).unwrap();
    assert!(
        !unknown[0].status_known,
        "without `active` nothing is known"
    );
}

#[test]
fn d001_full_keys_go_to_secret_never_to_the_mask() {
    let body = json!({ "keys": [{ "id": "jti_1", "key": "sk_live_0123456789abcdefghij", "keyType": "secret",
        "environmentId": "env_prod", "accountId": "acct_1", "name": "Deploy", "revoked": false,
        "createdAt": "2025-01-02T03:04:05Z", "lastUsedAt": "2025-02-01T00:00:00Z" },
        { "id": "jti_2", "key": "pk_test_abcdefghijklmnopqrst", "keyType": "public", "accountId": "acct_1",
          "name": "Old", "revoked": true, "createdAt": "2024-01-01T00:00:00Z" }] });
    let keys = decode(DialectId::D001, &body).unwrap();
    assert_eq!(keys[0].mask, "sk_live_…ghij");
    assert_eq!(
        keys[0].secret.as_ref().unwrap().expose(),
        "sk_live_0123456789abcdefghij"
    );
    assert_eq!(keys[0].env.as_deref(), Some("env_prod"));
    assert_eq!(keys[0].owner.as_deref(), Some("acct_1"));
    assert_eq!(keys[0].details["keyType"], "secret");
    assert!(keys[1].revoked);
    assert!(
        !format!("{:?}", keys[0]).contains("0123456789"),
        "Debug output holds no secret"
    );
    let details = serde_json::to_string(&keys[0].details).unwrap();
    assert!(!details.contains("0123456789"), "details hold no secret");
}

#[test]
fn d002_seed_example_and_paging_meta() {
    let body = json!({ "result": [{ "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "principal_id": "3c90c3cc-0d44-4b50-8888-8dd25736052b",
        "name": "<string>", "key_prefix": "kd_", "scopes": ["<string>"], "expires_at": "2023-11-07T05:31:56Z",
        "last_used_at": "2023-11-07T05:31:56Z", "is_revoked": true, "revoked_at": "2023-11-07T05:31:56Z",
        "created_at": "2023-11-07T05:31:56Z", "updated_at": "2023-11-07T05:31:56Z",
        "delegation_id": "3c90c3cc-0d44-4b50-8888-8dd25736052c", "pact_id": "3c90c3cc-0d44-4b50-8888-8dd25736052d" }],
        "success": true, "suggestion": "", "message": "",
        "meta": { "total": 123, "offset": 123, "limit": 123, "has_more": true, "after": "<string>", "before": "<string>" } });
    let page = DialectId::D002
        .dialect()
        .decode_page(&serde_json::to_vec(&body).unwrap())
        .unwrap();
    let k = &page.keys[0];
    assert_eq!(k.mask, "kd_…");
    assert!(k.revoked);
    assert_eq!(k.expires_at, time("2023-11-07T05:31:56Z"));
    assert_eq!(
        k.owner.as_deref(),
        Some("3c90c3cc-0d44-4b50-8888-8dd25736052b")
    );
    assert_eq!(k.details["pact_id"], "3c90c3cc-0d44-4b50-8888-8dd25736052d");
    assert!(page.has_more);
    assert_eq!(page.next_cursor.as_deref(), Some("<string>"));
    let list_path = DialectId::D002
        .dialect()
        .list_path(keydeck_core::remote::ListParams {
            user_id: None,
            cursor: Some("a b&c"),
        })
        .unwrap();
    assert_eq!(list_path, "/api/v1/api-keys?limit=200&after=a%20b%26c");
    assert!(
        !list_path.contains("offset"),
        "the deprecated offset is never sent"
    );
    let last = json!({ "result": [], "meta": { "has_more": false, "after": "ignored" } });
    let page = DialectId::D002
        .dialect()
        .decode_page(&serde_json::to_vec(&last).unwrap())
        .unwrap();
    assert!(!page.has_more && page.next_cursor.is_none());
}

#[test]
fn d003_has_no_status_and_a_wrong_count_is_a_warning() {
    let keys = decode(
        DialectId::D003,
        &json!({ "count": 1, "apiKeys": [{ "name": "string", "clientId": "cid-1" }] }),
    )
    .unwrap();
    assert_eq!(keys[0].id, "cid-1");
    assert!(
        !keys[0].status_known,
        "003 says nothing about revocation: unknown, not active"
    );
    assert!(keys[0].details["status_note"]
        .as_str()
        .unwrap()
        .contains("003"));
    assert!(keys[0].secret.is_none() && keys[0].mask.is_empty());
    // A mock server of the seed's own schema answers any `count`: the keys are still listed,
    // and the source is told.
    let page = DialectId::D003
        .dialect()
        .decode_page(
            json!({ "count": 2, "apiKeys": [{ "name": "a", "clientId": "b" }] })
                .to_string()
                .as_bytes(),
        )
        .unwrap();
    assert_eq!(page.keys.len(), 1);
    assert!(page.warning.unwrap().contains("`count` says 2"));
}

#[test]
fn d004_seed_example() {
    let body = json!({ "keys": [{ "id": "string", "user_id": "u-1", "organization_id": "o-1", "description": "string",
        "key": "cloud_abcdefghijklmnopqrstuvwxyz", "creation_date": "2024-05-04T09:42:00+00:00", "expiration_date": "2024-05-04T09:42:00+00:00" }] });
    let keys = decode(DialectId::D004, &body).unwrap();
    let k = &keys[0];
    assert_eq!(k.name, "string");
    assert_eq!(k.created_at, time("2024-05-04T09:42:00Z"));
    assert_eq!(k.expires_at, time("2024-05-04T09:42:00Z"));
    assert_eq!(k.owner.as_deref(), Some("u-1"));
    assert_eq!(k.details["organization_id"], "o-1");
    assert_eq!(k.mask, "cloud_…wxyz");
    assert!(k.secret.is_some());
    let without_key = decode(DialectId::D004, &json!({ "keys": [{ "id": "i", "description": "d", "creation_date": "2024-05-04T09:42:00Z" }] })).unwrap();
    assert!(without_key[0].secret.is_none());
    assert_eq!(
        DialectId::D004
            .dialect()
            .list_path(keydeck_core::remote::ListParams {
                user_id: Some("a/b c"),
                cursor: None
            })
            .unwrap(),
        "/api/v1/users/a%2Fb%20c/auth/keys"
    );
    assert!(
        DialectId::D004
            .dialect()
            .list_path(Default::default())
            .is_err(),
        "004 needs a user id"
    );
}

#[test]
fn missing_required_fields_are_refused() {
    let cases = [
        (DialectId::D000, json!([{ "name": "no id" }])),
        (
            DialectId::D001,
            json!({ "keys": [{ "id": "x", "keyType": "secret", "accountId": "a", "name": "n", "revoked": false, "createdAt": "2025-01-01T00:00:00Z" }] }),
        ),
        (DialectId::D001, json!({ "nokeys": [] })),
        (DialectId::D002, json!({ "meta": {} })),
        (DialectId::D002, json!({ "result": [{ "name": "no id" }] })),
        (DialectId::D003, json!({ "apiKeys": [] })),
        (
            DialectId::D003,
            json!({ "count": 1, "apiKeys": [{ "name": "no client id" }] }),
        ),
        (
            DialectId::D004,
            json!({ "keys": [{ "id": "x", "creation_date": "2024-05-04T09:42:00Z" }] }),
        ),
    ];
    for (dialect, body) in cases {
        assert!(decode(dialect, &body).is_err(), "{dialect} accepted {body}");
    }
}

#[test]
fn unknown_fields_are_tolerated_and_kept() {
    let cases = [
        (DialectId::D000, json!([{ "id": "x", "future": 1 }])),
        (
            DialectId::D001,
            json!({ "keys": [{ "id": "x", "key": "k", "keyType": "secret", "accountId": "a", "name": "n", "revoked": false, "createdAt": "2025-01-01T00:00:00Z", "future": 1 }], "page": 1 }),
        ),
        (
            DialectId::D002,
            json!({ "result": [{ "id": "x", "future": 1 }], "extra": true }),
        ),
        (
            DialectId::D003,
            json!({ "count": 1, "apiKeys": [{ "name": "n", "clientId": "c", "future": 1 }] }),
        ),
        (
            DialectId::D004,
            json!({ "keys": [{ "id": "x", "description": "d", "creation_date": "2024-05-04T09:42:00Z", "future": 1 }] }),
        ),
    ];
    for (dialect, body) in cases {
        let keys = decode(dialect, &body).unwrap_or_else(|e| panic!("{dialect}: {e}"));
        assert_eq!(
            keys[0].details["future"], 1,
            "{dialect} dropped an unknown field"
        );
    }
}

#[test]
fn nulls_everywhere_optional() {
    let cases = [
        (
            DialectId::D000,
            json!([{ "id": "x", "name": null, "active": null, "allow_self_revoke": null, "allowed_scopes": null, "created_at": null, "last_used_at": null, "masked_key": null, "org_id": null, "workspace_id": null }]),
        ),
        (
            DialectId::D001,
            json!({ "keys": [{ "id": "x", "key": "k", "keyType": "secret", "accountId": "a", "name": "n", "revoked": false, "createdAt": "2025-01-01T00:00:00Z", "environmentId": null, "lastUsedAt": null }] }),
        ),
        (
            DialectId::D002,
            json!({ "result": [{ "id": "x", "principal_id": null, "name": null, "key_prefix": null, "scopes": null, "expires_at": null, "last_used_at": null, "is_revoked": null, "revoked_at": null, "created_at": null, "updated_at": null, "delegation_id": null, "pact_id": null }], "suggestion": null, "message": null, "meta": null }),
        ),
        (
            DialectId::D004,
            json!({ "keys": [{ "id": "x", "description": "d", "creation_date": "2024-05-04T09:42:00Z", "user_id": null, "organization_id": null, "key": null, "expiration_date": null }] }),
        ),
    ];
    for (dialect, body) in cases {
        let keys = decode(dialect, &body).unwrap_or_else(|e| panic!("{dialect}: {e}"));
        assert_eq!(keys.len(), 1);
    }
}

#[test]
fn a_listing_of_another_dialect_is_refused() {
    let bodies = [
        (DialectId::D000, json!([{ "id": "x" }])),
        (
            DialectId::D001,
            json!({ "keys": [{ "id": "x", "key": "k", "keyType": "secret", "accountId": "a", "name": "n", "revoked": false, "createdAt": "2025-01-01T00:00:00Z" }] }),
        ),
        (DialectId::D002, json!({ "result": [{ "id": "x" }] })),
        (
            DialectId::D003,
            json!({ "count": 1, "apiKeys": [{ "name": "n", "clientId": "c" }] }),
        ),
        (
            DialectId::D004,
            json!({ "keys": [{ "id": "x", "description": "d", "creation_date": "2024-05-04T09:42:00Z" }] }),
        ),
    ];
    for (own, body) in &bodies {
        for other in DialectId::ALL.into_iter().filter(|d| d != own) {
            // 001 and 004 both wrap `keys`; their items differ in required fields.
            assert!(
                decode(other, body).is_err(),
                "{other} accepted a {own} listing"
            );
        }
    }
}

#[test]
fn unparseable_dates_are_kept_not_fatal() {
    let keys = decode(
        DialectId::D000,
        &json!([{ "id": "x", "created_at": "yesterday" }]),
    )
    .unwrap();
    assert_eq!(keys[0].created_at, None);
    assert_eq!(keys[0].details["created_at"], "yesterday");
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (k, v) in pairs {
        map.insert(*k, HeaderValue::from_str(v).unwrap());
    }
    map
}

#[test]
fn error_envelopes_of_every_seed() {
    let d = |id: DialectId, h: HeaderMap, body: Value| {
        id.dialect()
            .decode_error(&h, &serde_json::to_vec(&body).unwrap())
    };
    let e = d(
        DialectId::D000,
        HeaderMap::new(),
        json!({ "code": 401, "detail": "Authentication failed", "type": "authentication_error" }),
    )
    .unwrap();
    assert_eq!(
        (e.code.as_deref(), e.message.as_deref()),
        (Some("authentication_error"), Some("Authentication failed"))
    );
    let e = d(
        DialectId::D000,
        HeaderMap::new(),
        json!({ "code": 422, "type": "validation_error",
        "detail": [{ "loc": ["query", "limit"], "msg": "too big", "type": "value_error" }] }),
    )
    .unwrap();
    assert_eq!(e.fields, vec!["query.limit"]);
    assert_eq!(e.message.as_deref(), Some("too big"));

    let e = d(DialectId::D001, HeaderMap::new(), json!({ "trackingId": "trk_1", "error": { "code": "usage_limit", "message": "Usage limits exceeded",
        "fix": "Upgrade your plan", "provider": "telnyx", "providerCode": "P402" } })).unwrap();
    assert_eq!(e.request_id.as_deref(), Some("trk_1"));
    assert_eq!(e.hint.as_deref(), Some("Upgrade your plan"));
    assert!(e.message.unwrap().contains("telnyx P402"));

    let e = d(
        DialectId::D002,
        HeaderMap::new(),
        json!({ "success": false, "message": "Invalid key", "suggestion": "Create a new key" }),
    )
    .unwrap();
    assert_eq!(e.hint.as_deref(), Some("Create a new key"));
    assert!(d(
        DialectId::D002,
        HeaderMap::new(),
        json!({ "success": true, "result": [] })
    )
    .is_none());

    let e = d(DialectId::D003, headers(&[("x-request-id", "b0658b67-8ea3-46de-a3b8-18c3f5347def")]),
        json!({ "code": "invalid_token", "message": "The access token expired.", "scope": "keys:read" })).unwrap();
    assert_eq!(
        e.request_id.as_deref(),
        Some("b0658b67-8ea3-46de-a3b8-18c3f5347def")
    );
    assert_eq!(e.fields, vec!["scope"]);
    let e = d(
        DialectId::D003,
        HeaderMap::new(),
        json!({ "message": "This endpoint has not been implemented yet." }),
    )
    .unwrap();
    assert_eq!(e.code, None);

    let e = d(DialectId::D004, headers(&[("x-cloud-error-codes", "api_keys.user_not_found")]),
        json!({ "errors": [{ "code": "string", "message": "The user can't be found", "fields": ["user_id"] }] })).unwrap();
    assert_eq!(e.code.as_deref(), Some("api_keys.user_not_found"));
    assert_eq!(e.fields, vec!["user_id"]);
}

fn record(
    id: String,
    name: String,
    scopes: Vec<String>,
    created: i64,
    expires: Option<i64>,
    revoked: bool,
    mask: String,
) -> KeyRecord {
    let at = |s: i64| Utc.timestamp_opt(s, 0).single().unwrap();
    KeyRecord {
        id,
        name,
        mask,
        scopes,
        tags: vec![],
        env: None,
        status: if revoked {
            KeyStatus::Revoked
        } else {
            KeyStatus::Active
        },
        source: "local".into(),
        created_at: Some(at(created)),
        updated_at: Some(at(created)),
        last_used_at: None,
        expires_at: expires.map(at),
        revoked_at: revoked.then(|| at(created + 10)),
        revoke_reason: None,
        owner: None,
        details: BTreeMap::new(),
        cannot_reveal: None,
        cannot_revoke: None,
    }
}

prop_compose! {
    fn served_key()(
        id in "[a-zA-Z0-9-]{1,36}",
        name in "\\PC{1,40}",
        scopes in proptest::collection::vec("[a-z:]{1,12}", 0..4),
        created in 0i64..4_000_000_000,
        expires in proptest::option::of(0i64..4_000_000_000),
        revoked in any::<bool>(),
        secret in "[a-z]{2,5}_[A-Za-z0-9]{16,40}",
    ) -> (KeyRecord, Secret) {
        let secret = Secret::new(secret).unwrap();
        let mask = keydeck_core::mask::mask(secret.expose());
        (record(id, name, scopes, created, expires, revoked, mask), secret)
    }
}

proptest! {
    #[test]
    fn encode_then_decode_round_trips(keys in proptest::collection::vec(served_key(), 0..8)) {
        let mut keys = keys;
        keys.dedup_by(|a, b| a.0.id == b.0.id);
        let served: Vec<ServedKey> = keys.iter().map(|(record, secret)| ServedKey {
            secret: (record.status != KeyStatus::Revoked).then(|| secret.clone()),
            record: record.clone(),
        }).collect();
        for dialect in DialectId::ALL {
            let encoded: Value = match dialect {
                DialectId::D000 => json!(served.iter().map(keydeck_core::remote::d000_user_api_keys::D000::from_served).collect::<Vec<_>>()),
                DialectId::D001 => json!({ "keys": served.iter().map(|k| keydeck_core::remote::d001_keys::D001::from_served(k, "acct")).collect::<Vec<_>>() }),
                DialectId::D002 => json!({ "result": served.iter().map(keydeck_core::remote::d002_api_keys::D002::from_served).collect::<Vec<_>>() }),
                DialectId::D003 => {
                    let items: Vec<_> = served.iter().filter_map(keydeck_core::remote::d003_api_keys_count::D003::from_served).collect();
                    json!({ "count": items.len(), "apiKeys": items })
                }
                DialectId::D004 => json!({ "keys": served.iter().filter_map(|k| keydeck_core::remote::d004_user_auth_keys::D004::from_served(k, "u")).collect::<Vec<_>>() }),
            };
            let decoded = decode(dialect, &encoded).map_err(|e| TestCaseError::fail(format!("{dialect}: {e}")))?;
            let listed: Vec<&(KeyRecord, Secret)> = keys.iter()
                .filter(|(r, _)| !matches!(dialect, DialectId::D003 | DialectId::D004) || r.status != KeyStatus::Revoked)
                .collect();
            prop_assert_eq!(decoded.len(), listed.len(), "{}", dialect);
            for (got, (want, secret)) in decoded.iter().zip(listed) {
                prop_assert_eq!(&got.id, &want.id);
                prop_assert_eq!(&got.name, &want.name);
                let revoked = want.status == KeyStatus::Revoked;
                match dialect {
                    DialectId::D000 | DialectId::D001 | DialectId::D002 => prop_assert_eq!(got.revoked, revoked),
                    _ => prop_assert!(!got.revoked),
                }
                if matches!(dialect, DialectId::D000 | DialectId::D002) {
                    prop_assert_eq!(&got.scopes, &want.scopes);
                }
                if dialect != DialectId::D003 {
                    prop_assert_eq!(got.created_at, want.created_at);
                }
                if matches!(dialect, DialectId::D002 | DialectId::D004) {
                    prop_assert_eq!(got.expires_at, want.expires_at);
                }
                match dialect {
                    DialectId::D000 => prop_assert_eq!(&got.mask, &want.mask),
                    DialectId::D001 | DialectId::D004 => {
                        prop_assert_eq!(&got.mask, &want.mask);
                        if !revoked {
                            prop_assert_eq!(got.secret.as_ref().map(Secret::expose), Some(secret.expose()));
                        } else {
                            prop_assert!(got.secret.is_none(), "a mask is never stored as a secret");
                        }
                    }
                    DialectId::D002 => prop_assert_eq!(got.mask.split('…').next(), want.mask.split('…').next()),
                    DialectId::D003 => prop_assert!(!got.status_known),
                }
            }
        }
    }

    #[test]
    fn arbitrary_json_never_panics(value in arbitrary_json()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        for dialect in DialectId::ALL {
            let d = dialect.dialect();
            let _ = d.decode_page(&bytes);
            let _ = d.decode_error(&HeaderMap::new(), &bytes);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        for dialect in DialectId::ALL {
            let d = dialect.dialect();
            let _ = d.decode_page(&bytes);
            let _ = d.decode_error(&HeaderMap::new(), &bytes);
        }
    }
}

/// JSON of any shape, biased towards the field names the dialects look for.
fn arbitrary_json() -> impl Strategy<Value = Value> {
    let names = prop_oneof![
        Just("id".to_string()),
        Just("keys".to_string()),
        Just("key".to_string()),
        Just("result".to_string()),
        Just("meta".to_string()),
        Just("count".to_string()),
        Just("apiKeys".to_string()),
        Just("created_at".to_string()),
        Just("createdAt".to_string()),
        Just("creation_date".to_string()),
        Just("name".to_string()),
        Just("clientId".to_string()),
        Just("description".to_string()),
        Just("errors".to_string()),
        Just("detail".to_string()),
        Just("has_more".to_string()),
        "[a-z]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "\\PC{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(names.clone(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

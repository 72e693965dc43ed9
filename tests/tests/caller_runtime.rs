//! `PLUGORM_PLUGIN_RUNTIME=caller` in a single binary (plugins linked statically): the
//! plugins' connections, IO and tasks live on the application's own runtime — no plugin
//! runtime thread is ever started — and everything still works: writes, reads, a
//! transaction rolled back, a stream.
//!
//! The variable is read once per process, so this file is a test binary of its own; with
//! plugins loaded from `.so` files it has no tests (a loaded plugin has a tokio of its own
//! and always uses its own runtime).
#![cfg(feature = "static")]

use std::sync::Once;

use plugorm::plugin_api::runtime::{choice, RuntimeChoice};
use plugorm_tests::matrix::Backend;

#[derive(Debug, Default, Clone, PartialEq, plugorm::Model)]
struct Note {
    id: i64,
    #[orm(size = 100)]
    body: String,
}

plugorm_tests::matrix!(statements_run_on_the_callers_runtime);

/// Chooses the caller's runtime before anything in this process reads the choice.
fn choose_caller() {
    static SET: Once = Once::new();
    SET.call_once(|| std::env::set_var("PLUGORM_PLUGIN_RUNTIME", "caller"));
    assert_eq!(choice(), RuntimeChoice::Caller);
}

/// The threads of this process named like the plugin runtime's workers.
fn plugin_runtime_threads() -> usize {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|name| name.trim() == "plugorm-plugin")
        .count()
}

async fn statements_run_on_the_callers_runtime(backend: Backend) {
    choose_caller();
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate::<Note>().await.unwrap();
    let mut notes: Vec<Note> = (0..20)
        .map(|i| Note {
            body: format!("n{i}"),
            ..Default::default()
        })
        .collect();
    db.create_many(&mut notes).await.unwrap();
    let rolled_back = db
        .transaction(|tx| async move {
            tx.create(&mut Note {
                body: "gone".into(),
                ..Default::default()
            })
            .await?;
            Err::<(), _>(plugorm::Error::Custom("roll back".into()))
        })
        .await;
    assert!(rolled_back.is_err());
    let found: Vec<Note> = db.model::<Note>().order("id").find().await.unwrap();
    assert_eq!(found, notes);
    let mut stream = db.model::<Note>().order("id").stream().await.unwrap();
    let mut streamed = 0;
    while let Some(note) = stream.next().await.unwrap() {
        assert_eq!(note, notes[streamed]);
        streamed += 1;
    }
    assert_eq!(streamed, notes.len());
    assert_eq!(plugin_runtime_threads(), 0, "a plugin runtime was started");
}

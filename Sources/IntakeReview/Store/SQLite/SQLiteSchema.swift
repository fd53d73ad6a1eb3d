import GRDB

/// The order store's schema on SQLite, as versioned migrations. Never edit a shipped migration: add
/// one, here and in `PostgresSchema` under the same name.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE settings (
                  key TEXT PRIMARY KEY,
                  value TEXT NOT NULL);

                CREATE TABLE sandboxes (
                  id TEXT PRIMARY KEY,
                  modality TEXT NOT NULL,
                  source TEXT NOT NULL,
                  mode TEXT NOT NULL CHECK (mode IN ('review', 'auto')),
                  streak INTEGER NOT NULL DEFAULT 0,
                  reviewed INTEGER NOT NULL DEFAULT 0,
                  errors INTEGER NOT NULL DEFAULT 0,
                  overrides TEXT NOT NULL DEFAULT '{}',
                  created_at TEXT NOT NULL,
                  updated_at TEXT NOT NULL,
                  UNIQUE (modality, source));

                CREATE TABLE orders (
                  id TEXT PRIMARY KEY,
                  sandbox_id TEXT NOT NULL REFERENCES sandboxes(id),
                  status TEXT NOT NULL,
                  modality TEXT,
                  source_uri TEXT NOT NULL,
                  source_sha256 TEXT NOT NULL,
                  sender TEXT,
                  pipeline TEXT NOT NULL,
                  intent_type TEXT NOT NULL,
                  confidence REAL NOT NULL,
                  audit_sample INTEGER NOT NULL DEFAULT 0,
                  record TEXT NOT NULL,
                  created_at TEXT NOT NULL,
                  updated_at TEXT NOT NULL,
                  claimed_by TEXT,
                  claim_expires REAL);
                CREATE INDEX orders_by_queue ON orders (status, sandbox_id, created_at);

                CREATE TABLE order_lines (
                  order_id TEXT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
                  position INTEGER NOT NULL,
                  sku TEXT,
                  name TEXT,
                  text TEXT NOT NULL,
                  quantity REAL NOT NULL,
                  unit TEXT,
                  confidence REAL NOT NULL,
                  PRIMARY KEY (order_id, position));
                CREATE INDEX order_lines_by_sku ON order_lines (sku);

                CREATE TABLE order_evidence (
                  order_id TEXT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
                  position INTEGER NOT NULL,
                  field TEXT NOT NULL,
                  method TEXT NOT NULL,
                  evidence TEXT NOT NULL,
                  PRIMARY KEY (order_id, position));

                CREATE TABLE reviews (
                  id INTEGER PRIMARY KEY,
                  order_id TEXT NOT NULL REFERENCES orders(id),
                  sandbox_id TEXT NOT NULL,
                  actor TEXT NOT NULL,
                  action TEXT NOT NULL CHECK (action IN ('approve', 'correct', 'reject')),
                  reason TEXT,
                  changes TEXT,
                  at TEXT NOT NULL);
                CREATE INDEX reviews_by_order ON reviews (order_id);

                CREATE TABLE dead_letters (
                  order_id TEXT PRIMARY KEY,
                  stage TEXT NOT NULL,
                  code TEXT NOT NULL,
                  reason TEXT NOT NULL,
                  uri TEXT NOT NULL,
                  sender TEXT,
                  sha256 TEXT NOT NULL,
                  modality TEXT,
                  bytes BLOB NOT NULL,
                  failures INTEGER NOT NULL DEFAULT 1,
                  failed_at TEXT NOT NULL,
                  resolved_at TEXT);

                CREATE TABLE audit_log (
                  seq INTEGER PRIMARY KEY,
                  at TEXT NOT NULL,
                  actor TEXT NOT NULL,
                  action TEXT NOT NULL,
                  subject TEXT NOT NULL,
                  from_status TEXT,
                  to_status TEXT,
                  reason TEXT NOT NULL,
                  evidence_hash TEXT NOT NULL,
                  prev_hash TEXT NOT NULL,
                  hash TEXT NOT NULL);
                CREATE INDEX audit_by_subject ON audit_log (subject, seq);

                CREATE TABLE outbox (
                  seq INTEGER PRIMARY KEY,
                  event TEXT NOT NULL);

                CREATE TABLE outbox_cursors (
                  sink TEXT PRIMARY KEY,
                  delivered_through INTEGER NOT NULL DEFAULT 0,
                  attempts INTEGER NOT NULL DEFAULT 0,
                  next_attempt REAL NOT NULL DEFAULT 0,
                  last_error TEXT);

                CREATE TABLE outbox_failures (
                  sink TEXT NOT NULL,
                  seq INTEGER NOT NULL,
                  attempts INTEGER NOT NULL,
                  last_error TEXT NOT NULL,
                  failed_at TEXT NOT NULL,
                  PRIMARY KEY (sink, seq));
                """)
        }
        // v2: API tokens for the HTTP server. Only the SHA-256 of a token is kept.
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                CREATE TABLE api_tokens (
                  id TEXT PRIMARY KEY,
                  name TEXT NOT NULL,
                  role TEXT NOT NULL CHECK (role IN ('device', 'reviewer', 'admin')),
                  subject TEXT,
                  secret_sha256 TEXT NOT NULL UNIQUE,
                  created_at TEXT NOT NULL,
                  created_by TEXT NOT NULL,
                  revoked_at TEXT);
                """)
        }
        // v3: the work queue that `intake worker` processes claim inputs from.
        migrator.registerMigration("v3") { db in
            try db.execute(sql: """
                CREATE TABLE work_items (
                  id TEXT PRIMARY KEY,
                  idempotency_key BLOB NOT NULL,
                  pipeline TEXT NOT NULL,
                  uri TEXT NOT NULL,
                  sender TEXT,
                  sha256 TEXT NOT NULL,
                  bytes BLOB NOT NULL,
                  state TEXT NOT NULL CHECK (state IN ('queued', 'leased', 'done')),
                  attempts INTEGER NOT NULL DEFAULT 0,
                  leased_by TEXT,
                  lease_expires REAL,
                  enqueued_at TEXT NOT NULL,
                  position INTEGER NOT NULL,
                  finished_at TEXT);
                CREATE INDEX work_items_due ON work_items (pipeline, state, enqueued_at, position);
                """)
        }
        // v4: the files read with a dead letter's or a work item's input (a sidecar's waveform), with their bytes.
        migrator.registerMigration("v4") { db in
            try db.execute(sql: """
                CREATE TABLE dead_letter_files (
                  order_id TEXT NOT NULL REFERENCES dead_letters (order_id) ON DELETE CASCADE,
                  name TEXT NOT NULL,
                  bytes BLOB NOT NULL,
                  PRIMARY KEY (order_id, name));
                CREATE TABLE work_item_files (
                  item_id TEXT NOT NULL REFERENCES work_items (id) ON DELETE CASCADE,
                  name TEXT NOT NULL,
                  bytes BLOB NOT NULL,
                  PRIMARY KEY (item_id, name));
                """)
        }
        // v5: the review queue and the order list read oldest first from an index (with a
        // status, or without), not by sorting every order (0.6 s at 300,000 orders); the
        // dead-letter list newest first, and the open ones are counted from an index. Outbox
        // events get the time they were written, so delivered ones can be let go after a time.
        migrator.registerMigration("v5") { db in
            try db.execute(sql: """
                CREATE INDEX orders_by_status_age ON orders (status, created_at, id);
                CREATE INDEX orders_by_age ON orders (created_at, id);
                CREATE INDEX dead_letters_open ON dead_letters (resolved_at, failed_at DESC, order_id);
                CREATE INDEX dead_letters_by_age ON dead_letters (failed_at DESC, order_id);
                ALTER TABLE outbox ADD COLUMN created_at TEXT;
                """)
        }
        return migrator
    }
}

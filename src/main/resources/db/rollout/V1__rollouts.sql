-- Fleet rollouts: one row per (group, package, version); one row per host that held a slot.
-- Every time is the database's clock (clock_timestamp()), never a host's.
CREATE TABLE rollout (
  id            bigserial PRIMARY KEY,
  grp           text NOT NULL,
  package       text NOT NULL,
  version       text NOT NULL,
  state         text NOT NULL CHECK (state IN ('canary', 'rolling', 'halted')),
  canary_hosts  text[] NOT NULL DEFAULT '{}',
  canary_count  integer NOT NULL CHECK (canary_count >= 0),
  max_parallel  integer NOT NULL CHECK (max_parallel >= 1),
  halt_after    integer NOT NULL CHECK (halt_after >= 1),
  lease_ttl     interval NOT NULL,
  min_healthy   interval NOT NULL,
  failures      integer NOT NULL DEFAULT 0,
  epoch         bigint NOT NULL DEFAULT 0,
  halted_reason text,
  was_promoted  boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (grp, package, version)
);

CREATE TABLE rollout_host (
  rollout_id    bigint NOT NULL REFERENCES rollout (id) ON DELETE CASCADE,
  host          text NOT NULL,
  canary        boolean NOT NULL,
  state         text NOT NULL
                CHECK (state IN ('installing', 'verifying', 'done', 'failed', 'expired', 'released')),
  epoch         bigint NOT NULL,
  lease_until   timestamptz NOT NULL,
  healthy_since timestamptz,
  granted_at    timestamptz NOT NULL,
  finished_at   timestamptz,
  reason        text,
  PRIMARY KEY (rollout_id, host)
);
CREATE INDEX rollout_host_live ON rollout_host (rollout_id, lease_until)
  WHERE state IN ('installing', 'verifying');
CREATE INDEX rollout_host_by_host ON rollout_host (host);

CREATE TABLE rollout_waiter (
  rollout_id bigint NOT NULL REFERENCES rollout (id) ON DELETE CASCADE,
  host       text NOT NULL,
  since      timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (rollout_id, host)
);

CREATE TABLE rollout_event (
  id         bigserial PRIMARY KEY,
  rollout_id bigint NOT NULL REFERENCES rollout (id) ON DELETE CASCADE,
  at         timestamptz NOT NULL DEFAULT clock_timestamp(),
  host       text,
  kind       text NOT NULL,
  detail     text NOT NULL DEFAULT ''
);
CREATE INDEX rollout_event_by_rollout ON rollout_event (rollout_id, id);

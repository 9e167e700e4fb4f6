-- Orleans cluster membership, in the same database as the seats, so a cluster needs nothing else to run.
-- Orleans' ADO.NET clustering reads the statements it runs from orleansquery (a name it fixes); the
-- tables are ours. Each silo (process start) has a row; the version row is Orleans' optimistic lock: every
-- change of membership must name the version it read, and moves it on.
CREATE TABLE orleans_membership_versions (
  deployment_id TEXT        PRIMARY KEY,
  version       INTEGER     NOT NULL DEFAULT 0,
  changed_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE orleans_memberships (
  deployment_id   TEXT        NOT NULL REFERENCES orleans_membership_versions (deployment_id),
  address         TEXT        NOT NULL,
  port            INTEGER     NOT NULL,
  generation      INTEGER     NOT NULL,
  silo_name       TEXT        NOT NULL,
  host_name       TEXT        NOT NULL,
  status          INTEGER     NOT NULL,
  proxy_port      INTEGER,
  suspect_times   TEXT,
  start_time      TIMESTAMPTZ NOT NULL,
  i_am_alive_time TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (deployment_id, address, port, generation)
);

CREATE TABLE orleansquery (
  querykey  TEXT PRIMARY KEY,
  querytext TEXT NOT NULL
);

-- Writes answer one integer, the rows they changed, which Orleans reads as success or failure. A change of
-- membership is one statement: the version moves only if it is still the one the silo read (the row lock
-- makes a concurrent change wait, then find the version moved), and the row changes only if it moved.
INSERT INTO orleansquery (querykey, querytext) VALUES
('InsertMembershipVersionKey', $q$
  WITH inserted AS (
    INSERT INTO orleans_membership_versions (deployment_id) VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1)
  SELECT count(*)::int FROM inserted
$q$),
-- A silo that inserts a row it already has moves the version for nothing; the others just read again.
('InsertMembershipKey', $q$
  WITH moved AS (
    UPDATE orleans_membership_versions SET version = version + 1, changed_at = now()
    WHERE deployment_id = @DeploymentId AND version = @Version
    RETURNING deployment_id),
  inserted AS (
    INSERT INTO orleans_memberships (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
    SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime FROM moved
    ON CONFLICT DO NOTHING
    RETURNING 1)
  SELECT count(*)::int FROM inserted
$q$),
('UpdateMembershipKey', $q$
  WITH moved AS (
    UPDATE orleans_membership_versions SET version = version + 1, changed_at = now()
    WHERE deployment_id = @DeploymentId AND version = @Version
    RETURNING deployment_id),
  updated AS (
    UPDATE orleans_memberships m
    SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
    FROM moved
    WHERE m.deployment_id = moved.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
    RETURNING 1)
  SELECT count(*)::int FROM updated
$q$),
-- A heartbeat for the operator's eye; it takes no version, since liveness is decided by probes.
('UpdateIAmAlivetimeKey', $q$
  UPDATE orleans_memberships SET i_am_alive_time = @IAmAliveTime
  WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
$q$),
-- The version row comes back even with no silo row (a left join), because Orleans needs the version to write.
('MembershipReadRowKey', $q$
  SELECT v.version AS Version, m.address AS Address, m.port AS Port, m.generation AS Generation,
         m.silo_name AS SiloName, m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort,
         m.suspect_times AS SuspectTimes, m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime
  FROM orleans_membership_versions v
  LEFT JOIN orleans_memberships m
    ON m.deployment_id = v.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
  WHERE v.deployment_id = @DeploymentId
$q$),
('MembershipReadAllKey', $q$
  SELECT v.version AS Version, m.address AS Address, m.port AS Port, m.generation AS Generation,
         m.silo_name AS SiloName, m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort,
         m.suspect_times AS SuspectTimes, m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime
  FROM orleans_membership_versions v
  LEFT JOIN orleans_memberships m ON m.deployment_id = v.deployment_id
  WHERE v.deployment_id = @DeploymentId
$q$),
('DeleteMembershipTableEntriesKey', $q$
  DELETE FROM orleans_memberships WHERE deployment_id = @DeploymentId;
  DELETE FROM orleans_membership_versions WHERE deployment_id = @DeploymentId
$q$),
('GatewaysQueryKey', $q$
  SELECT address AS Address, proxy_port AS ProxyPort, generation AS Generation
  FROM orleans_memberships
  WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0
$q$),
-- Rows of silos gone long ago: status 3 is Active, which is never cleaned up.
('CleanupDefunctSiloEntriesKey', $q$
  DELETE FROM orleans_memberships
  WHERE deployment_id = @DeploymentId AND i_am_alive_time < @IAmAliveTime AND status <> 3
$q$),
-- One dead silo's row, only if it is still exactly as Orleans read it.
('CleanupDefunctSiloEntryKey', $q$
  DELETE FROM orleans_memberships
  WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
    AND start_time = @StartTime AND i_am_alive_time = @IAmAliveTime AND suspect_times IS NOT DISTINCT FROM @SuspectTimes
$q$);

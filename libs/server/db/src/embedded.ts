/**
 * The embedded Postgres server, for `npm start` and tests only. A separate entry
 * because the package installs exit hooks when it is loaded: on SIGINT/SIGTERM it stops
 * its servers and exits the process, which no API or worker process may inherit.
 */
export * from './embedded-postgres';

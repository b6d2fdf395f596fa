// The suite's Temporal server (test/setup/global-setup.ts) and tests that need one of their own.
export { startEphemeralTemporal } from '../../dev/ephemeral-temporal';

// The worker's workflow bundle entry point.
export { meetingWorkflow } from './meeting';

/**
 * The states of the rotation that leave a result in the state, in execution order, with the
 * field each result lands in: the failed state is the first after the last result present
 * (failedStateOf, src/notify/caught-failure.ts). Derived from the workflow's definition
 * (workflows/rotate-apigw-client-cert.ts), not copied. A module of its own, not part of rotation-report.ts, so the
 * undo step, which needs only this, does not bundle the Slack message builder (slack-block-builder, ~62 KB).
 */
export { stepResults as STEP_RESULTS, firstState as FIRST_STATE } from '../../workflows/rotate-apigw-client-cert';

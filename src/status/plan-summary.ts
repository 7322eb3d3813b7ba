/** A dry run's plan in one line: `keyturn plan` prints it; the Slack endpoint's `/keyturn plan` posts it. */
export function describePlan(output: unknown): string {
  const plan = (output ?? {}) as Record<string, unknown>;
  if (plan.dryRun !== true) return `no plan reported: ${JSON.stringify(output)}`;
  const alert = plan.wouldAlert === true ? 'would alert Slack' : 'no Slack alert';
  if (typeof plan.wouldRotate === 'boolean') {
    // A plan that would not rotate can still alert: the real run would fail and tell Slack why.
    if (!plan.wouldRotate) return `no rotation: ${String(plan.reason)}${plan.wouldAlert === true ? `; ${alert}` : ''}`;
    const deletes = Array.isArray(plan.wouldDelete) && plan.wouldDelete.length ? `would delete ${plan.wouldDelete.join(', ')}` : 'would delete nothing';
    return `would rotate: ${String(plan.reason)}; ${deletes}; ${alert}`;
  }
  if (Array.isArray(plan.certificates)) {
    const certificates = plan.certificates as { severity?: string }[];
    const within = certificates.filter((c) => c.severity !== undefined && c.severity !== 'ok').length;
    return `${certificates.length} certificate(s), ${within} within a threshold; ${alert}`;
  }
  if (typeof plan.wouldUpload === 'boolean') {
    const name = `${String(plan.path)}${String(plan.serverCertificateName)}`;
    return plan.wouldUpload ? `would upload ${name} (valid, expires ${String(plan.expiration)})` : `${name} already imported: nothing to upload`;
  }
  return JSON.stringify(output);
}

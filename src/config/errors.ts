/** keyturn.config.yml problems: every issue names the target (if any), the field and the rule. */
import { KeyturnError } from '../errors';

export interface ConfigIssue {
  /** The target the issue is about; absent for global fields. */
  target?: string;
  /** Dotted path inside the target (or the file), e.g. `input.graceSeconds`, `schedule`. */
  field: string;
  rule: string;
}

export function formatIssue(issue: ConfigIssue): string {
  return issue.target === undefined ? `${issue.field}: ${issue.rule}` : `target '${issue.target}': ${issue.field}: ${issue.rule}`;
}

/** The config file is invalid; `issues` lists every problem found, not just the first. */
export class ConfigError extends KeyturnError {
  override name = 'ConfigError' as const;
  readonly file: string;
  readonly issues: ConfigIssue[];
  constructor(file: string, issues: ConfigIssue[]) {
    super(`${file} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}`);
    this.file = file;
    this.issues = issues;
  }
}

/** The config file does not exist or is not YAML. */
export class ConfigFileError extends KeyturnError {
  override name = 'ConfigFileError' as const;
}

// serverless-iam-roles-per-function gives every function a role of its own, yet serverless still
// compiles its shared default role (IamRoleLambdaExecution) with log rights for every function of
// the stage. No function uses it: an unused role is only something an attacker could be granted,
// so it is dropped from the template once packaging has compiled everything, if nothing refers
// to it (a Ref, a GetAtt or a DependsOn all name it in quotes).
'use strict';

const DEFAULT_ROLE = 'IamRoleLambdaExecution';

class DropUnusedDefaultRole {
  constructor(serverless) {
    this.hooks = { 'before:package:finalize': () => this.drop(serverless) };
  }

  drop(serverless) {
    const resources = serverless.service.provider.compiledCloudFormationTemplate.Resources;
    if (!resources[DEFAULT_ROLE]) return;
    const others = JSON.stringify(Object.entries(resources).filter(([name]) => name !== DEFAULT_ROLE));
    if (others.includes(`"${DEFAULT_ROLE}"`)) return;
    delete resources[DEFAULT_ROLE];
  }
}

module.exports = DropUnusedDefaultRole;

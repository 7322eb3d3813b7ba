// Kept in step with package.json by test/skeleton.test.ts (importing package.json would bundle it).
export const version = '0.1.0';

import { bundleFunctions, deployedFunctions, lambdaBuildOptions } from './build';
const b = await bundleFunctions(deployedFunctions(), { ...lambdaBuildOptions(), sourcemap: false, write: false, outdir: '/tmp/sizes' });
for (const x of b.sort((a, c) => c.bytes - a.bytes)) console.log(x.fn.key, (x.bytes / 1024).toFixed(1));

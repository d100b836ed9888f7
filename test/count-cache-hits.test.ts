/** The cache hits `rockts build --json` reports, from each engine's output (build-image.ts). */
import { countCacheHits } from '../src/build/build-image.js';

test("BuildKit's plain progress: one hit per CACHED step", () => {
  expect(countCacheHits('#5 [rockts-builder-base 2/2] RUN apt-get update\n#5 CACHED\n#6 [rockts-final 2/3] COPY --link x /\n#6 CACHED\n#7 [rockts-final 3/3] RUN true\n#7 DONE 0.2s\n')).toBe(2);
});

test("BuildKit's terminal display: a step redrawn in many frames counts once", () => {
  const frame = '\u001b[1A\u001b[0G[+] Building 0.3s (3/3)\r\n\u001b[34m => CACHED [rockts-builder-hello 1/3] RUN apt-get\u001b[0m\r\n => CACHED [rockts-builder-hello 2/3] COPY files\r\n => [rockts-final 2/2] RUN true\r\n';
  expect(countCacheHits(frame + frame + frame)).toBe(2);
});

test("Podman's steps taken from its cache", () => {
  expect(countCacheHits('[1/2] STEP 2/3: RUN true\n--> Using cache 1234abcd\n--> 1234abcd\n[2/2] STEP 2/2: RUN false\n')).toBe(1);
});

/**
 * `pnpm --filter @loopkit/bench run profile-summary <server.cpuprofile> [top]`: prints the
 * ingestion window of a server CPU profile by stage and by function, as markdown tables.
 */
import { readFile } from "node:fs/promises";
import { type CpuProfile, type ProfileShare, summarizeProfile } from "./profile-summary.js";

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) {
    throw new Error(
      "usage: pnpm --filter @loopkit/bench run profile-summary <server.cpuprofile> [top functions]",
    );
  }
  const profile = JSON.parse(await readFile(file, "utf8")) as CpuProfile;
  const summary = summarizeProfile(profile, { top: Number(process.argv[3] ?? 20) });
  const row = (s: ProfileShare) => `| ${s.name} | ${s.ms.toFixed(0)} | ${s.percent.toFixed(1)}% |`;
  console.log(
    `ingestion window ${(summary.windowMs / 1000).toFixed(1)} s, busy ${(summary.busyMs / 1000).toFixed(1)} s\n`,
  );
  console.log(["| stage | ms | share |", "|---|---:|---:|", ...summary.stages.map(row)].join("\n"));
  console.log("");
  console.log(
    ["| function (self time) | ms | share |", "|---|---:|---:|", ...summary.topSelf.map(row)].join(
      "\n",
    ),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

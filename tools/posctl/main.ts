#!/usr/bin/env node
import { runPosctl } from "./program.js";

await runPosctl(process.argv);

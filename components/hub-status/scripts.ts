/** The hub exporter's files (shipped in one ConfigMap with backup-lib.sh); hub-facts.sh and facts.jq also back `npm run status`. */
import * as path from "path";

export const HUB_FACTS_SCRIPT = path.join(__dirname, "hub-facts.sh");
export const HUB_EXPORTER_SCRIPT = path.join(__dirname, "hub-exporter.sh");
export const FACTS_JQ = path.join(__dirname, "facts.jq");
export const HUB_STATUS_FILES = [HUB_EXPORTER_SCRIPT, HUB_FACTS_SCRIPT, FACTS_JQ];

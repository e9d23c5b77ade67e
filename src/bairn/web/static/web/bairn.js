import DS from "../vendor/sgds/design-system.js";
import { watchDrafts } from "./drafts.js";
import { watchIdle } from "./idle.js";

DS.initAll();
watchDrafts();
watchIdle();

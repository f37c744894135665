import type { Plugin } from "esbuild";

export declare const KEEP_ALL_ENV: "DFLOW_BUNDLE_ALL_ZOD_LOCALES";
export declare function zodLocalesPlugin(): Plugin;
/** zod's locale index with every locale but "en" replaced by a stub (unchanged if nothing matches). */
export declare function rewriteIndex(text: string): string;

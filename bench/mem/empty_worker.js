// An empty Worker for bench/mem/worker_rss.js: says "ready", then idles.
postMessage("ready");

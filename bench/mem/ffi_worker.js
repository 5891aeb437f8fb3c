// A Worker that loads what the reactor's poller Worker loads (the FFI binding and the epoll wrapper), for
// bench/mem/worker_rss.js: says "ready", then idles.
import "../../ffi/mod.ts";
import "../../lib/reactor/epoll.ts";
postMessage("ready");

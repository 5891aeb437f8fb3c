// The smallest poller Worker (bench/mem/worker_rss.js): its own dlopen of libc with epoll_wait alone, then "ready".
import { dlopen } from "bun:ffi";
dlopen("libc.so.6", { epoll_wait: { args: ["i32", "ptr", "i32", "i32"], returns: "i32" } });
postMessage("ready");

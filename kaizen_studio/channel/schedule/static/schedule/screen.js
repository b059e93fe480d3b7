// The school channel's screen: plays its group's timetable with the widgets, the
// announcement when there is one, and the live show whenever the server says one is on.
//
// What it asks: data.json every POLL_MS (the plan of the next hours, the playlists' media,
// the widgets; also its heartbeat, saying what it plays) and /school.json every LIVE_MS
// ("live": true while the studio's publish lasts). Times come from the server's clock
// (offset measured at each answer), so every screen of a group plays the same item.
// Offline: the last plan and the media already loaded (kept as blobs in memory) go on
// playing; the polls retry quietly and the screen catches up when the server answers.
// Sound: as the classroom page (broadcast/web/index.html): a kiosk started with
// --autoplay-policy=no-user-gesture-required plays with sound at once; any other browser
// shows "Tap for sound" once and plays muted until then.
"use strict";
const POLL_MS = 3000, LIVE_MS = 1000, TICK_MS = 250, PANEL_MS = 10000;
const CACHE_BYTES = 400 * 1024 * 1024;
const body = document.body;
const group = body.dataset.group, screenName = body.dataset.name;
const media = document.getElementById("media"), liveVideo = document.getElementById("live");
const card = document.getElementById("card"), title = document.getElementById("title");
const notice = document.getElementById("announcement"), side = document.getElementById("side");
const tap = document.getElementById("tap");
let data = null, version = "", offset = 0, live = false, soundOn = false;
let current = "";        // what plays now, as a key (segment + playlist + item)
let hls = null, liveRetry = 0;
const blobs = new Map(); // media address -> blob: URL (kept for offline playing)
let cachedBytes = 0;

function serverNow() { return Date.now() + offset; }
function say(line) { console.log("kaizen screen: " + line); }

// ---- asking the server
async function poll() {
  try {
    const asked = Date.now();
    const address = `data.json?group=${encodeURIComponent(group)}&name=${encodeURIComponent(screenName)}` +
      `&playing=${encodeURIComponent(body.dataset.playing || "")}`;
    const answer = await fetch(address, { cache: "no-store" });
    if (!answer.ok) throw new Error("the server said " + answer.status);
    const got = await answer.json();
    offset = got.now - (asked + Date.now()) / 2;
    online(true);
    if (got.version !== version) { version = got.version; data = got; changed(); }
    else data.plan = got.plan;
  } catch (error) {
    online(false, error);
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

async function pollLive() {
  try {
    const answer = await fetch("/school.json", { cache: "no-store" });
    const got = await answer.json();
    if (got.live !== live) { live = got.live; say(live ? "the show is live" : "the show ended"); decide(); }
  } catch (error) {
    if (live) { live = false; decide(); }  // no server, no show
  } finally {
    setTimeout(pollLive, LIVE_MS);
  }
}

function online(yes, why) {
  if ((body.dataset.online === "yes") !== yes) say(yes ? "the server answers again" : "offline: " + why);
  body.dataset.online = yes ? "yes" : "no";
  document.getElementById("offline").classList.toggle("hidden", yes);
}

// ---- what plays now
function segmentNow() {
  if (!data) return null;
  const now = serverNow();
  return data.plan.find(s => s.starts <= now && now < s.ends) || null;
}

function decide() {
  if (live) { showLive(); return; }
  stopLive();
  const segment = segmentNow();
  if (segment && segment.kind === "announcement") {
    notice.textContent = segment.text;
    notice.classList.remove("hidden");
    setState("announcement", "announcement: " + segment.text);
    return;
  }
  notice.classList.add("hidden");
  const playlist = segment && segment.playlist ? data.playlists[segment.playlist] : null;
  if (!playlist || playlist.items.length === 0 || body.dataset.layout === "widget") {
    stopMedia();
    card.classList.remove("hidden");
    setState(body.dataset.layout === "widget" ? "widget" : "nothing", segment ? segment.label : "nothing");
    return;
  }
  const key = segment.starts + "/" + segment.playlist + "/" + playlist.items.map(i => i.id).join(",");
  if (current.split("#")[0] !== key) startPlaylist(key, segment, playlist);
}

function setState(state, playing) {
  body.dataset.state = state;
  body.dataset.playing = playing;
}

function startPlaylist(key, segment, playlist) {
  // every screen of the group at the same place in the loop, counted from the segment's start
  const total = playlist.items.reduce((sum, item) => sum + item.duration, 0);
  let into = ((serverNow() - segment.starts) / 1000) % total, index = 0;
  while (into >= playlist.items[index].duration) { into -= playlist.items[index].duration; index += 1; }
  say(`playing ${playlist.name} from item ${index} at ${into.toFixed(1)} s`);
  playItem(key, playlist, index, into);
}

function playItem(key, playlist, index, at) {
  const item = playlist.items[index];
  current = key + "#" + index;
  card.classList.add("hidden");
  title.textContent = item.title + (item.class ? " · " + item.class : "");
  title.classList.remove("hidden");
  body.dataset.playlist = playlist.name;
  body.dataset.item = String(item.id);
  setState("timetable", playlist.name + ": " + item.title);
  media.onended = () => next(key, playlist, index);
  media.onerror = () => { say("cannot play " + item.url); setTimeout(() => next(key, playlist, index), 1000); };
  body.dataset.mediaplaying = "no";
  media.src = blobs.get(item.url) || item.url;
  media.currentTime = at;
  play(media);
  remember(playlist.items);
}

function next(key, playlist, index) {
  if (current !== key + "#" + index) return;  // something else took over meanwhile
  playItem(key, playlist, (index + 1) % playlist.items.length, 0);
  if (playlist.items.length === 1) { media.currentTime = 0; play(media); }
}

function stopMedia() {
  current = "";
  title.classList.add("hidden");
  if (!media.paused) media.pause();
  body.dataset.playlist = body.dataset.item = "";
}

// ---- the live show (hls.js, as the classroom page)
function showLive() {
  if (body.dataset.state !== "live") {
    stopMedia();
    notice.classList.add("hidden");
    liveVideo.classList.remove("hidden");
    setState("live", "the live show");
    body.dataset.liveplaying = "no";
  }
  if (hls || liveRetry) return;
  if (window.Hls && Hls.isSupported()) {
    hls = new Hls({ lowLatencyMode: true, liveSyncDurationCount: 1, liveMaxLatencyDurationCount: 3,
                    maxLiveSyncPlaybackRate: 1.5 });
    hls.on(Hls.Events.ERROR, (_, problem) => {
      if (!problem.fatal) return;
      say("the show's stream is not ready: " + problem.details);
      hls.destroy(); hls = null;  // try again shortly while the server says live
      liveRetry = setTimeout(() => { liveRetry = 0; if (live) showLive(); }, 1000);
    });
    hls.loadSource("/hls/show.m3u8");
    hls.attachMedia(liveVideo);
  } else {
    liveVideo.src = "/hls/show.m3u8";
  }
  play(liveVideo);
}

function stopLive() {
  if (hls) { hls.destroy(); hls = null; }
  if (liveRetry) { clearTimeout(liveRetry); liveRetry = 0; }
  if (!liveVideo.classList.contains("hidden")) {
    body.dataset.liveplaying = "no";
    liveVideo.classList.add("hidden");
    liveVideo.removeAttribute("src"); liveVideo.load();
    current = "";  // back to the timetable where it is now
  }
}
liveVideo.addEventListener("playing", () => { body.dataset.liveplaying = "yes"; });
media.addEventListener("playing", () => { body.dataset.mediaplaying = "yes"; });
media.addEventListener("pause", () => { body.dataset.mediaplaying = "no"; });

// ---- media kept for offline playing
async function remember(items) {
  for (const item of items) {
    if (blobs.has(item.url) || cachedBytes > CACHE_BYTES) continue;
    blobs.set(item.url, item.url);  // being fetched: not twice
    try {
      const answer = await fetch(item.url);
      if (!answer.ok) throw new Error(String(answer.status));
      const blob = await answer.blob();
      cachedBytes += blob.size;
      blobs.set(item.url, URL.createObjectURL(blob));
      body.dataset.cached = String([...blobs.values()].filter(u => u.startsWith("blob:")).length);
    } catch (error) {
      blobs.delete(item.url);
    }
  }
}

// ---- sound
function play(video) {
  video.muted = !soundOn;
  video.play().catch(error => {
    if (error.name !== "NotAllowedError" || video.muted) return;
    setSound(false);
    video.play().catch(() => {});
  });
}

function setSound(on) {
  soundOn = on;
  media.muted = liveVideo.muted = !on;
  tap.classList.toggle("hidden", on);
  body.dataset.sound = on ? "on" : "tap";
}

function soundTapped() {
  if (soundOn) return;
  setSound(true);
  for (const video of [media, liveVideo]) if (video.src) video.play().catch(() => {});
}

// ---- widgets and layout
function changed() {
  const forced = body.dataset.forcedLayout;
  body.dataset.layout = forced || data.layout;
  document.documentElement.style.setProperty("--main", data.colours[0]);
  document.documentElement.style.setProperty("--accent", data.colours[1]);
  const lines = data.widgets.ticker.concat(data.widgets.sports.map(s => "Sport: " + s));
  const run = document.getElementById("ticker-run");
  const text = lines.length ? lines.join("   •   ") : data.school;
  if (run.textContent !== text) {
    run.textContent = text;
    run.style.animationDuration = Math.max(15, text.length / 6) + "s";
  }
  for (const segment of data.plan) {
    const playlist = segment.playlist && data.playlists[segment.playlist];
    if (playlist) remember(playlist.items);
  }
  showPanel();
  decide();
}

const PANELS = ["houses", "birthdays", "awards", "sports", "clock"];
let panelTurn = 0;

function showPanel() {
  if (!data) return;
  let kind = data.panel;
  if (kind === "turns") {
    const w = data.widgets;
    const full = PANELS.filter(p => p === "clock" || w[p].length > 0);
    kind = full[panelTurn % full.length];
  }
  side.dataset.panel = kind;
  side.replaceChildren(...panel(kind));
}

function element(tag, text, style) {
  const made = document.createElement(tag);
  if (text !== undefined) made.textContent = text;
  if (style) Object.assign(made.style, style);
  return made;
}

function panel(kind) {
  const w = data.widgets;
  if (kind === "houses") {
    return [element("h2", "House points"), ...w.houses.map(h => {
      const row = element("div"); row.className = "bar";
      const fill = element("span", "", { background: h.colour, width: (h.share * 55) + "%" });
      fill.className = "fill";
      row.append(element("b", h.name), fill, element("em", String(h.points)));
      return row;
    })];
  }
  if (kind === "birthdays") {
    return [element("h2", "Happy birthday!"), ...w.birthdays.map(b => line(b.name, b.class))];
  }
  if (kind === "awards") {
    return [element("h2", "Awards"), ...w.awards.map(a => line(`${a.title}: ${a.name} (${a.class})`, a.reason))];
  }
  if (kind === "sports") return [element("h2", "Sports news"), ...w.sports.map(s => line(s))];
  const big = element("div"); big.className = "big-clock"; big.id = "big-clock";
  return [element("h2", "Today"), big];
}

function line(text, small) {
  const row = element("div", text); row.className = "line";
  if (small) row.append(element("small", small));
  return row;
}

function showClock() {
  const zone = body.dataset.zone, now = new Date(serverNow());
  const time = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit" }).format(now);
  const day = new Intl.DateTimeFormat("en-GB", { timeZone: zone, weekday: "long", day: "numeric", month: "long" }).format(now);
  const clock = document.getElementById("clock");
  clock.replaceChildren(element("span", time), element("small", day));
  const big = document.getElementById("big-clock");
  if (big) big.replaceChildren(element("span", time), element("small", day));
}

// ---- start
const AudioContextType = window.AudioContext || window.webkitAudioContext;
const audio = AudioContextType ? new AudioContextType() : null;
setSound(audio !== null && audio.state === "running");
tap.addEventListener("click", soundTapped);
document.addEventListener("pointerdown", soundTapped);
document.addEventListener("keydown", soundTapped);
setInterval(() => { decide(); showClock(); }, TICK_MS);
setInterval(() => { panelTurn += 1; showPanel(); }, PANEL_MS);
poll();
pollLive();

// The in-app check of compose-smoke: a WebSocket client of inapp-gateway, on Node's built-in WebSocket
// (node --experimental-websocket). Connects to <url> with <token> the way a browser does (the token as
// subprotocols), prints "open", waits for a notification frame whose message is <message>, acks it (so the row
// becomes delivered), prints "received <id>" and exits 0; exits 1 after 60 s without it.
//   node --experimental-websocket inapp-client.mjs ws://127.0.0.1:8084/ws <jwt> <message>
const [url, token, expected] = process.argv.slice(2);
const socket = new WebSocket(url, ['bearer-token-carrier',
  encodeURIComponent('quarkus-http-upgrade#Authorization#Bearer ' + token)]);
const timer = setTimeout(() => { console.log('timeout'); process.exit(1); }, 60000);
socket.onopen = () => console.log('open');
socket.onerror = (e) => console.log('error ' + (e.message || e.type));
socket.onclose = (e) => { console.log('closed ' + e.code); process.exit(1); };
socket.onmessage = (e) => {
  const frame = JSON.parse(e.data);
  console.log('frame ' + e.data);
  if (frame.type === 'notification' && frame.message === expected) {
    socket.send(JSON.stringify({ type: 'ack', id: frame.id }));
    console.log('received ' + frame.id);
    clearTimeout(timer);
    // Give the ack a moment on the wire before closing.
    setTimeout(() => { socket.onclose = null; socket.close(); process.exit(0); }, 500);
  }
};

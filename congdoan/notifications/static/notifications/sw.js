// The service worker of Web Push: shows what the server sent, opens its page on a tap.
self.addEventListener("push", function (event) {
  var message = {title: "Công Đoàn Số", body: "", url: "/notifications/"};
  try { message = Object.assign(message, event.data.json()); } catch (e) { /* plain text */ }
  event.waitUntil(self.registration.showNotification(message.title, {
    body: message.body,
    data: {url: message.url || "/notifications/"},
    icon: "/static/favicon.svg"
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  event.waitUntil(self.clients.openWindow(event.notification.data.url));
});

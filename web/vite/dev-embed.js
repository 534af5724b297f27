// `npm start` serves /embed.js as the element's source (src/embed/index.js),
// so the example course page (/examples/course-page.html) works in the dev
// server as it does in dist/.
export function devEmbed() {
  return {
    name: 'convplay-dev-embed',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (req.url === '/embed.js' || req.url?.startsWith('/embed.js?'))
          req.url = '/src/embed/index.js';
        next();
      });
    },
  };
}

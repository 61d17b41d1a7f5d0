package client

import (
	"crypto/sha256"
	"crypto/tls"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// transportKey is everything that makes one transport differ from
// another: where it connects (scheme and host of the base URL) and which
// CAs it trusts (the CA file's contents, so an edited file takes effect).
// The per-request timeout is not in it: it is the request's context
// deadline, not a transport setting. The proxy is not either: it comes
// from the environment, which net/http reads once per process.
type transportKey struct {
	scheme, host string
	caSum        [sha256.Size]byte
	hasCA        bool
}

// maxTransports bounds the shared transports; the least recently used is
// dropped (its idle connections closed) when a new one is needed.
const maxTransports = 16

// transports are the HTTP transports shared by every Client of the
// process, one per transportKey: a new Client per refresh (as the session
// makes) reuses the connections of the last instead of opening one of its
// own and leaving it idle for 90 s. Like http.DefaultTransport, it is
// process-wide state that holds only connections, never configuration.
var transports = &transportCache{}

type transportCache struct {
	mu      sync.Mutex
	entries map[transportKey]*transportEntry
	clock   uint64 // counts uses, for least-recently-used eviction
}

type transportEntry struct {
	t       *http.Transport
	lastUse uint64
}

// get returns the shared transport for base trusting caPEM, read from the
// file caPath (nil: the system's roots only), making it the first time.
func (c *transportCache) get(base *url.URL, caPath string, caPEM []byte) (*http.Transport, error) {
	key := transportKey{scheme: base.Scheme, host: base.Host}
	if caPEM != nil {
		key.caSum, key.hasCA = sha256.Sum256(caPEM), true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clock++
	if e := c.entries[key]; e != nil {
		e.lastUse = c.clock
		return e.t, nil
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = http.ProxyFromEnvironment
	// Plain http is checked when its URL is validated, and again at each
	// connection: a localhost that turns to another address gets nothing.
	t.DialContext = loopbackDialer((&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext)
	if caPEM != nil {
		pool, err := caPool(caPath, caPEM)
		if err != nil {
			return nil, err
		}
		t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	if c.entries == nil {
		c.entries = map[transportKey]*transportEntry{}
	}
	if len(c.entries) >= maxTransports {
		var oldest transportKey
		var oldestUse uint64
		for k, e := range c.entries {
			if oldestUse == 0 || e.lastUse < oldestUse {
				oldest, oldestUse = k, e.lastUse
			}
		}
		// Requests in flight on it finish; only its idle connections go.
		c.entries[oldest].t.CloseIdleConnections()
		delete(c.entries, oldest)
	}
	c.entries[key] = &transportEntry{t: t, lastUse: c.clock}
	return t, nil
}

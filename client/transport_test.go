package client_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
)

// A refresh makes a new Client for its base URL; consecutive ones must
// reuse one connection instead of each opening its own and leaving it idle
// for 90 s.
func TestClientsOfOneBaseURLReuseOneConnection(t *testing.T) {
	srv := newFake(t)
	for range 5 {
		clientToken(t, newClient(t, srv.URL))
	}
	if n := srv.Connections(); n != 1 {
		t.Fatalf("5 token requests by 5 clients of one base URL opened %d connections, want 1", n)
	}
	// Another path below the same origin is the same server.
	clientToken(t, newClient(t, srv.URL+"/"))
	if n := srv.Connections(); n != 1 {
		t.Fatalf("a client of the same origin opened a connection of its own (%d)", n)
	}
}

// tlsServer answers {} over TLS with a certificate of its own CA, and
// counts the connections it accepts.
func tlsServer(t *testing.T) (*httptest.Server, string, func() int) {
	t.Helper()
	var mu sync.Mutex
	conns := 0
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			mu.Lock()
			conns++
			mu.Unlock()
		}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return srv, ca, func() int {
		mu.Lock()
		defer mu.Unlock()
		return conns
	}
}

// otherCAFile holds a CA that vouches for no server here.
func otherCAFile(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "another CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "other-ca.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func get(base, caFile string) error {
	c, err := client.New(client.Options{BaseURL: base, CAFile: caFile, Timeout: 5 * time.Second})
	if err != nil {
		return err
	}
	_, err = c.Get(context.Background(), "probe", "/x", nil)
	return err
}

// Sharing connections must not share trust: a client without the CA file
// (or with another CA) is refused by a server only that CA vouches for,
// even after a client with it has connected; and a client with the same CA
// file reuses the connection.
func TestSharedConnectionsKeepEachClientsCAs(t *testing.T) {
	srv, ca, conns := tlsServer(t)
	otherCA := otherCAFile(t)
	base := srv.URL + "/v1"

	if err := get(base, ca); err != nil {
		t.Fatalf("with the server's CA: %v", err)
	}
	var tErr *client.TransportError
	for name, caFile := range map[string]string{"no CA file": "", "another CA": otherCA} {
		if err := get(base, caFile); !errors.As(err, &tErr) || !strings.Contains(err.Error(), "certificate") {
			t.Errorf("%s, after a client with the CA connected: %v, want a certificate error", name, err)
		}
	}
	if err := get(base, ca); err != nil {
		t.Fatalf("with the server's CA again: %v", err)
	}
	// The two refused clients opened (and lost) their own connections.
	if n := conns(); n != 3 {
		t.Errorf("connections %d, want 3: one reused by both clients with the CA, one for each refused", n)
	}

	// The CA file edited to hold another CA takes effect at once.
	data, err := os.ReadFile(otherCA)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ca, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := get(base, ca); !errors.As(err, &tErr) {
		t.Errorf("with the CA file now holding another CA: %v, want a certificate error", err)
	}
}

// Clients sharing a transport keep their own timeouts: the deadline is
// each request's, not the transport's.
func TestSharedConnectionsKeepEachClientsTimeout(t *testing.T) {
	srv := newFake(t)
	for _, tc := range []struct {
		timeout time.Duration
		ok      bool
	}{{100 * time.Millisecond, false}, {10 * time.Second, true}, {100 * time.Millisecond, false}} {
		srv.SetFault(&dinterotest.Fault{Latency: time.Second, Times: 1})
		c, err := client.New(client.Options{BaseURL: srv.URL, Timeout: tc.timeout})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Token(context.Background(), account, demoBasic, client.TokenRequest{Grant: client.GrantClientCredentials, Audience: client.DefaultAudience(account)})
		var tErr *client.TransportError
		switch {
		case tc.ok && err != nil:
			t.Errorf("timeout %s, answer after 1 s: %v", tc.timeout, err)
		case !tc.ok && (!errors.As(err, &tErr) || tErr.Timeout != tc.timeout):
			t.Errorf("timeout %s, answer after 1 s: %v, want a timeout after %s", tc.timeout, err, tc.timeout)
		}
	}
}

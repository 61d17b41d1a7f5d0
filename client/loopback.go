package client

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/tokenbench/tokenbench/textsafe"
)

// LookupHost resolves a host name for the loopback rule (the name
// localhost over plain http). Tests replace it.
var LookupHost = func(ctx context.Context, host string) ([]string, error) {
	return net.DefaultResolver.LookupHost(ctx, host)
}

// CheckLoopback says why host is not loopback, or nil when it is: a
// loopback IP, or the name localhost when it resolves to loopback
// addresses only. A localhost that resolves elsewhere (a hosts file or a
// DNS server that says so) is any other host.
func CheckLoopback(host string) error {
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() {
			return nil
		}
		return fmt.Errorf("%s is not loopback", textsafe.Sanitize(host))
	}
	if !strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return fmt.Errorf("%s is not loopback", textsafe.Sanitize(host))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := loopbackAddrs(ctx, host)
	return err
}

// LoopbackAddrs resolves a host name and returns its addresses when every
// one of them is loopback, else why not (the rule of CheckLoopback).
func LoopbackAddrs(ctx context.Context, host string) ([]string, error) {
	return loopbackAddrs(ctx, host)
}

// loopbackAddrs resolves host and returns its addresses when every one of
// them is loopback.
func loopbackAddrs(ctx context.Context, host string) ([]string, error) {
	addrs, err := LookupHost(ctx, host)
	if err != nil {
		return nil, fmt.Errorf("%s does not resolve here (%s), so it is not known to be loopback", textsafe.Sanitize(host), textsafe.Sanitize(unwrapDNSError(err)))
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("%s resolves to no address, so it is not known to be loopback", textsafe.Sanitize(host))
	}
	var other []string
	for _, a := range addrs {
		if ip := net.ParseIP(a); ip == nil || !ip.IsLoopback() {
			other = append(other, a)
		}
	}
	if len(other) > 0 {
		return nil, fmt.Errorf("%s resolves to %s here, not to loopback only", textsafe.Sanitize(host), textsafe.Bounded(other, 3))
	}
	return addrs, nil
}

func unwrapDNSError(err error) string {
	if de, ok := err.(*net.DNSError); ok {
		return de.Err
	}
	return err.Error()
}

type plainHTTPKey struct{}

// plainHTTPMarker marks the context of a plain-http request, for the
// dialer to hold it to loopback.
type plainHTTPMarker struct{ next http.RoundTripper }

func (m plainHTTPMarker) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "http" {
		req = req.WithContext(context.WithValue(req.Context(), plainHTTPKey{}, true))
	}
	return m.next.RoundTrip(req)
}

// loopbackDialer dials a plain-http URL (a base URL or a key set URL) only
// at addresses that are loopback when the connection is made: a name is
// resolved again for each connection, and one that now points elsewhere
// is refused rather than sent credentials in clear.
func loopbackDialer(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if plain, _ := ctx.Value(plainHTTPKey{}).(bool); !plain {
			return dial(ctx, network, addr)
		}
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		if ip := net.ParseIP(host); ip != nil {
			if !ip.IsLoopback() {
				return nil, fmt.Errorf("refusing plain http to %s: not loopback", textsafe.Sanitize(host))
			}
			return dial(ctx, network, addr)
		}
		addrs, err := loopbackAddrs(ctx, host)
		if err != nil {
			return nil, fmt.Errorf("refusing plain http: %w", err)
		}
		var firstErr error
		for _, a := range addrs {
			c, err := dial(ctx, network, net.JoinHostPort(a, port))
			if err == nil {
				return c, nil
			}
			if firstErr == nil {
				firstErr = err
			}
		}
		return nil, firstErr
	}
}

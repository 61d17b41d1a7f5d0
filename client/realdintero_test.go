package client_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		value      string
		serverDate time.Time
		want       time.Duration
		ok         bool
	}{
		{"30", time.Time{}, 30 * time.Second, true},
		{" 0 ", time.Time{}, 0, true},
		{"-1", time.Time{}, 0, false},
		{"soon", time.Time{}, 0, false},
		{"", time.Time{}, 0, false},
		{"999999999", time.Time{}, 24 * time.Hour, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), time.Time{}, 90 * time.Second, true},
		// A date is read against the server's clock, not ours.
		{now.Add(90 * time.Second).Format(http.TimeFormat), now.Add(60 * time.Second), 30 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), time.Time{}, 0, true},
	} {
		got, ok := client.ParseRetryAfter(tc.value, now, tc.serverDate)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%q: got %v %v, want %v %v", tc.value, got, ok, tc.want, tc.ok)
		}
	}
	for d, want := range map[time.Duration]string{30 * time.Second: "30 s", 1500 * time.Millisecond: "2 s", time.Minute: "60 s", 2 * time.Minute: "2 min", 125 * time.Second: "2 min 5 s"} {
		if got := client.FormatWait(d); got != want {
			t.Errorf("FormatWait(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestParseJWKSDinteroShape(t *testing.T) {
	// Dintero's keys endpoint: a bare array, line breaks inside n.
	const n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
	wrapped := n[:60] + `\n` + n[60:120] + `\r\n ` + n[120:]
	doc := `[{"kty":"RSA","use":"sig","alg":"RS256","kid":"k1","e":"AQAB","n":"` + wrapped + `"}]`
	keys, err := client.ParseJWKS([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if keys.Keys["k1"] == nil || keys.Algs["k1"] != "RS256" {
		t.Fatalf("keys %+v", keys)
	}
	// The standard shape still reads, and both shapes say when nothing is usable.
	if _, err := client.ParseJWKS([]byte(`{"keys":[{"kty":"RSA","kid":"k1","e":"AQAB","n":"` + n + `"}]}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := client.ParseJWKS([]byte(`[]`)); err == nil || !strings.Contains(err.Error(), "no usable signing key") {
		t.Fatalf("empty array: %v", err)
	}
}

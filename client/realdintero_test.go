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

// U5: an unusual Retry-After is said as sent, with what it means.
func TestRateLimitSaysWhatRetryAfterMeans(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for value, want := range map[string]string{
		"":                     "429 rate limited: the server named no wait (no Retry-After)",
		"30":                   "429 rate limited: retry after 30 s",
		"86400":                "429 rate limited: retry after 1440 min",
		"0":                    `429 rate limited: retry now (Retry-After: "0")`,
		"-5":                   `429 rate limited: retry now: the server's wait is negative (Retry-After: "-5")`,
		"1e309":                `429 rate limited: the server's Retry-After is neither seconds nor a date: no usable wait (Retry-After: "1e309")`,
		"soon\x1b[2J":          `429 rate limited: the server's Retry-After is neither seconds nor a date: no usable wait (Retry-After: "soon[2J")`,
		"99999999999999999999": `429 rate limited: an implausible wait of 3168808781403 years; counted as 1440 min (Retry-After: "99999999999999999999")`,
		"172800":               `429 rate limited: an implausible wait of 2 days; counted as 1440 min (Retry-After: "172800")`,
		now.Add(-time.Hour).Format(http.TimeFormat): `429 rate limited: retry now (Retry-After: "Fri, 02 Jan 2026 02:04:05 GMT")`,
		"Tue, 01 Jan 2999 00:00:00 GMT":             `429 rate limited: an implausible wait of 973 years; counted as 1440 min (Retry-After: "Tue, 01 Jan 2999 00:00:00 GMT")`,
		strings.Repeat("9", 400):                    "more years than can be counted",
	} {
		h := http.Header{}
		if value != "" {
			h.Set("Retry-After", value)
		}
		err := client.RateLimitedForTest(&client.APIError{Status: 429}, h, now)
		if got := err.Error(); !strings.Contains(got, want) || strings.Contains(got, "\x1b") {
			t.Errorf("Retry-After %q: %q, want %q", value, got, want)
		}
	}
}

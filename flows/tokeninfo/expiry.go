package tokeninfo

import (
	"fmt"
	"time"
)

// SkewNoise is how far the local clock may differ from the server's Date
// header before the expiry is corrected for it: Date has one-second
// resolution and the answer took a while to arrive.
const SkewNoise = 2 * time.Second

// PlausibleLifetime is the longest an access token is believed to live;
// an expiry further out is flagged implausible (it is still shown).
const PlausibleLifetime = 366 * 24 * time.Hour

// MaxExpiresIn is the largest expires_in counted, in seconds (100 years):
// beyond it the sum with received_at would overflow a time.Duration, and
// a token would seem to have expired in the 18th century.
const MaxExpiresIn = 100 * 365 * 24 * 3600

// Expiry is when a token stops working, in local time, and how that was
// worked out.
type Expiry struct {
	// At is the earlier of the two sources; zero when neither is known.
	At time.Time
	// Source names which one At came from: "exp" or "expires_in".
	Source string
	// FromClaim is exp converted to local time (zero when absent).
	FromClaim time.Time
	// FromExpiresIn is received_at + expires_in (zero when absent).
	FromExpiresIn time.Time
	// Disagreement is |FromClaim - FromExpiresIn| when both are known.
	Disagreement time.Duration
	// ClockSkew is local time minus the server's Date header: positive when
	// the local clock runs ahead. Zero without a Date header.
	ClockSkew time.Duration
	// SkewKnown says whether a Date header was there to compare with.
	SkewKnown bool
	// Implausible, when not empty, says why the expiry cannot be right:
	// expires_in or exp absurdly far out (clamped), or exp before 1970.
	Implausible string
}

// ComputeExpiry applies the contract's rule. tok may be nil (an opaque
// token); expiresIn <= 0 means the server did not say; serverDate may be zero.
func ComputeExpiry(tok *Token, receivedAt time.Time, expiresIn int64, serverDate time.Time) Expiry {
	var e Expiry
	if !serverDate.IsZero() && !receivedAt.IsZero() {
		e.SkewKnown = true
		e.ClockSkew = receivedAt.Sub(serverDate).Truncate(time.Second)
	}
	if tok != nil && !tok.ExpiresAt.IsZero() {
		e.FromClaim = tok.ExpiresAt
		// exp is on the server's clock; move it onto ours when the clocks
		// differ by more than measuring noise.
		if e.ClockSkew > SkewNoise || e.ClockSkew < -SkewNoise {
			e.FromClaim = e.FromClaim.Add(e.ClockSkew)
		}
	}
	if expiresIn > MaxExpiresIn {
		e.Implausible = "expires_in of more than 100 years is implausible; counted as 100 years"
		expiresIn = MaxExpiresIn
	}
	if expiresIn > 0 && !receivedAt.IsZero() {
		e.FromExpiresIn = receivedAt.Add(time.Duration(expiresIn) * time.Second)
	}
	if tok != nil && tok.Implausible && e.Implausible == "" && !tok.ExpiresAt.IsZero() {
		e.Implausible = "the token's time claims are implausible (see its warnings)"
	}
	switch {
	case e.FromClaim.IsZero() && e.FromExpiresIn.IsZero():
	case e.FromClaim.IsZero():
		e.At, e.Source = e.FromExpiresIn, "expires_in"
	case e.FromExpiresIn.IsZero():
		e.At, e.Source = e.FromClaim, "exp"
	default:
		e.Disagreement = e.FromClaim.Sub(e.FromExpiresIn)
		if e.Disagreement < 0 {
			e.Disagreement = -e.Disagreement
		}
		// On a tie, name exp: it is what the token itself says.
		if !e.FromClaim.After(e.FromExpiresIn) {
			e.At, e.Source = e.FromClaim, "exp"
		} else {
			e.At, e.Source = e.FromExpiresIn, "expires_in"
		}
	}
	if e.Implausible == "" && !receivedAt.IsZero() && e.At.Sub(receivedAt) > PlausibleLifetime {
		e.Implausible = fmt.Sprintf("an access token valid until %s (from %s) is implausible", e.At.UTC().Format(time.RFC3339), e.Source)
	}
	return e
}

// Known reports whether any expiry is known.
func (e Expiry) Known() bool { return !e.At.IsZero() }

// Remaining is the time left at now (negative once expired).
func (e Expiry) Remaining(now time.Time) time.Duration { return e.At.Sub(now) }

// Expired reports whether the token has expired at now.
func (e Expiry) Expired(now time.Time) bool { return e.Known() && !now.Before(e.At) }

// Countdown formats a remaining duration as "1h 02m 03s", "2m 05s" or "9s".
func Countdown(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Truncate(time.Second)
	h, m, s := int(d/time.Hour), int(d/time.Minute)%60, int(d/time.Second)%60
	switch {
	case h >= 48:
		return fmt.Sprintf("%dd %02dh", h/24, h%24)
	case h > 0:
		return fmt.Sprintf("%dh %02dm %02ds", h, m, s)
	case m > 0:
		return fmt.Sprintf("%dm %02ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}

// Relative says when t is as seen from now: "in 23h 59m", "3m ago", "now".
func Relative(t, now time.Time) string {
	d := t.Sub(now)
	switch {
	case d > -time.Second && d < time.Second:
		return "now"
	case d > 0:
		return "in " + approx(d)
	}
	return approx(-d) + " ago"
}

func approx(d time.Duration) string {
	d = d.Truncate(time.Second)
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%dd %dh", int(d/(24*time.Hour)), int(d/time.Hour)%24)
	case d >= time.Hour:
		return fmt.Sprintf("%dh %dm", int(d/time.Hour), int(d/time.Minute)%60)
	case d >= time.Minute:
		return fmt.Sprintf("%dm %ds", int(d/time.Minute), int(d/time.Second)%60)
	}
	return fmt.Sprintf("%ds", int(d/time.Second))
}

// FormatTime shows t in local time with a relative part:
// "2026-11-28 14:40:05 CET (in 59m 3s)".
func FormatTime(t, now time.Time) string {
	return t.In(now.Location()).Format("2006-01-02 15:04:05 MST") + " (" + Relative(t, now) + ")"
}

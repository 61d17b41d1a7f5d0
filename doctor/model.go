// Package doctor diagnoses why an account user cannot sign in: it finds the
// user among the account's users (contract §9), reads the user's MFA
// configuration and activity log, and turns what it reads into findings —
// short statements, each tied to the data it comes from. It is UI-free: the
// CLI prints a Report, the TUI draws one.
package doctor

import (
	"bytes"
	"encoding/json"
	"time"
)

// User is an account user as GET …/management/users answers it. Fields the
// server leaves out stay zero; a field of an unexpected type is ignored
// rather than failing the whole lookup (a debugging tool must read a server
// that drifts).
type User struct {
	ID                 string     `json:"id"`
	Email              string     `json:"email"`
	Name               string     `json:"name"`
	AuthenticationType string     `json:"authentication_type"`
	LastSeenAt         *time.Time `json:"last_seen_at,omitempty"`
	DeletedAt          *time.Time `json:"deleted_at,omitempty"`
	Scope              Scopes     `json:"scope,omitempty"`
	Roles              []Role     `json:"roles,omitempty"`
	MFA                MFA        `json:"mfa"`
}

// Role is one of the user's roles with the scopes it grants.
type Role struct {
	Name  string `json:"name"`
	Scope Scopes `json:"scope"`
}

// MFA is the user's second factors.
type MFA struct {
	SMS  Factor `json:"sms"`
	TOTP Factor `json:"totp"`
}

// Factor is one second factor: whether it is on and when it last changed.
type Factor struct {
	Enabled   bool       `json:"enabled"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// External says whether the user signs in through an outside identity
// provider.
func (u User) External() bool { return u.AuthenticationType == "external" }

// Scopes reads a scope list sent either as a JSON array or as one
// space-separated string.
type Scopes []string

// UnmarshalJSON accepts ["a","b"], "a b" and null.
func (s *Scopes) UnmarshalJSON(b []byte) error {
	var list []string
	if err := json.Unmarshal(b, &list); err == nil {
		*s = list
		return nil
	}
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = fieldsOf(one)
		return nil
	}
	*s = nil
	return nil
}

// Activity is one audit event of a user (GET …/users/{id}/activities).
type Activity struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	Action    string    `json:"action"`
	Entity    string    `json:"entity,omitempty"`
	Actor     string    `json:"actor,omitempty"`
	IP        string    `json:"ip,omitempty"`
	UserAgent string    `json:"user_agent,omitempty"`
}

// ActionToken is the action recorded for a token issued to the user.
const ActionToken = "auth.token"

// wireUser is the server's shape; User is what the rest of the program uses.
type wireUser struct {
	ID                 string          `json:"id"`
	Email              string          `json:"email"`
	Name               string          `json:"name"`
	AuthenticationType string          `json:"authentication_type"`
	LastSeenAt         json.RawMessage `json:"last_seen_at"`
	DeletedAt          json.RawMessage `json:"deleted_at"`
	Scope              Scopes          `json:"scope"`
	Roles              []struct {
		Name  string `json:"name"`
		Scope Scopes `json:"scope"`
	} `json:"roles"`
	Configuration struct {
		MFA struct {
			SMS  wireFactor `json:"sms"`
			TOTP wireFactor `json:"totp"`
		} `json:"mfa"`
	} `json:"configuration"`
}

type wireFactor struct {
	Enabled   json.RawMessage `json:"enabled"`
	UpdatedAt json.RawMessage `json:"updated_at"`
}

type wireActivity struct {
	ID        string          `json:"id"`
	CreatedAt json.RawMessage `json:"created_at"`
	Action    string          `json:"action"`
	Entity    json.RawMessage `json:"entity"`
	Actor     json.RawMessage `json:"actor"`
	Context   struct {
		IP        string `json:"ip"`
		UserAgent string `json:"user_agent"`
	} `json:"context"`
}

// ParseUsers reads the users endpoint's answer: a bare array, or an object
// that holds the array under "users" or "data".
func ParseUsers(body []byte) ([]User, error) {
	var raw []wireUser
	if err := decodeList(body, &raw, "users"); err != nil {
		return nil, err
	}
	out := make([]User, 0, len(raw))
	for _, w := range raw {
		u := User{
			ID: w.ID, Email: w.Email, Name: w.Name, AuthenticationType: w.AuthenticationType,
			LastSeenAt: timeOf(w.LastSeenAt), DeletedAt: timeOf(w.DeletedAt), Scope: w.Scope,
			MFA: MFA{SMS: factorOf(w.Configuration.MFA.SMS), TOTP: factorOf(w.Configuration.MFA.TOTP)},
		}
		for _, r := range w.Roles {
			u.Roles = append(u.Roles, Role{Name: r.Name, Scope: r.Scope})
		}
		out = append(out, u)
	}
	return out, nil
}

// ParseActivities reads the activities endpoint's answer, a bare array or an
// object with the array under "activities" or "data".
func ParseActivities(body []byte) ([]Activity, error) {
	var raw []wireActivity
	if err := decodeList(body, &raw, "activities"); err != nil {
		return nil, err
	}
	out := make([]Activity, 0, len(raw))
	for _, w := range raw {
		a := Activity{ID: w.ID, Action: w.Action, Entity: stringOf(w.Entity), Actor: stringOf(w.Actor),
			IP: w.Context.IP, UserAgent: w.Context.UserAgent}
		if t := timeOf(w.CreatedAt); t != nil {
			a.CreatedAt = *t
		}
		out = append(out, a)
	}
	return out, nil
}

// errNotAList is what a body that holds no list of the expected kind gives.
type errNotAList struct{ what string }

func (e errNotAList) Error() string { return "the answer is not a JSON list of " + e.what }

func decodeList[T any](body []byte, into *[]T, key string) error {
	items, _, err := ListItems(body, key)
	if err != nil {
		return err
	}
	raw, _ := json.Marshal(items)
	if err := json.Unmarshal(raw, into); err != nil {
		return errNotAList{key}
	}
	return nil
}

// ListItems is how an answer that lists things of one kind is read, the
// one parse for every reader (the diagnosis, and the bundle trimming a
// search to its user): a bare JSON list, or an object holding the list
// under key, "data" or "items". wrap is that member's name ("" for a bare
// list).
func ListItems(body []byte, key string) (items []json.RawMessage, wrap string, err error) {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		if err := json.Unmarshal(body, &items); err != nil {
			return nil, "", errNotAList{key}
		}
		return items, "", nil
	}
	var wrapped map[string]json.RawMessage
	if err := json.Unmarshal(body, &wrapped); err != nil {
		return nil, "", errNotAList{key}
	}
	for _, k := range []string{key, "data", "items"} {
		if v, ok := wrapped[k]; ok {
			if err := json.Unmarshal(v, &items); err != nil {
				return nil, "", errNotAList{key}
			}
			return items, k, nil
		}
	}
	return nil, "", errNotAList{key}
}

// timeOf reads an RFC 3339 time; null, "" and anything else give nil.
func timeOf(raw json.RawMessage) *time.Time {
	var s string
	if json.Unmarshal(raw, &s) != nil || s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil
	}
	return &t
}

func factorOf(w wireFactor) Factor {
	var f Factor
	_ = json.Unmarshal(w.Enabled, &f.Enabled) // a non-boolean reads as off
	f.UpdatedAt = timeOf(w.UpdatedAt)
	return f
}

// stringOf reads a field that may be a string or an object with an id.
func stringOf(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var obj struct {
		ID    string `json:"id"`
		Email string `json:"email"`
		Type  string `json:"type"`
	}
	if json.Unmarshal(raw, &obj) == nil {
		switch {
		case obj.Email != "":
			return obj.Email
		case obj.ID != "":
			return obj.ID
		}
		return obj.Type
	}
	return ""
}

func fieldsOf(s string) []string {
	var out []string
	for _, f := range bytes.Fields([]byte(s)) {
		out = append(out, string(f))
	}
	return out
}

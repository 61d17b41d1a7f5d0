package ui

import (
	"context"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/doctor"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/diagnose"
)

// goldenClients is a directory with the POS integration's mistakes, dated
// from fixedNow: grants for production and a mistyped account, the one
// for the test account deleted.
type goldenClients struct{}

func (goldenClients) Clients(context.Context) ([]doctor.APIClient, error) {
	created, updated := fixedNow.Add(-90*24*time.Hour), fixedNow.Add(-3*24*time.Hour)
	return []doctor.APIClient{{ID: "23e201cd-5786-1b98-da73-67114e24cd30", ClientID: "demo-pos", Name: "POS integration",
		Description: "in-store terminals", CreatedAt: &created, CreatedBy: "usr_demo_admin", UpdatedAt: &updated}}, nil
}

func (goldenClients) Grants(context.Context) ([]doctor.Grant, error) {
	deleted := fixedNow.Add(-3 * 24 * time.Hour)
	id := "23e201cd-5786-1b98-da73-67114e24cd30"
	scope := doctor.Scopes{"read:checkout", "write:checkout"}
	return []doctor.Grant{
		{ID: "grant-pos-prod", ClientID: id, Audience: "https://api.dintero.com/v1/accounts/P99887766", Type: "client_credentials", Scope: scope},
		{ID: "grant-pos-typo", ClientID: id, Audience: "https://api.dintero.com/v1/accounts/T11223345", Type: "client_credentials", Scope: scope},
		{ID: "grant-pos-test", ClientID: id, Audience: "https://api.dintero.com/v1/accounts/T11223344", Type: "client_credentials", Scope: scope, DeletedAt: &deleted},
	}, nil
}

// Issue 17: the client diagnosis a failed token request's u opens, at the
// golden sizes.
func TestGoldenClientDiagnosis(t *testing.T) {
	q := doctor.ClientQuery{ClientID: "demo-pos", Audience: "https://api.dintero.com/v1/accounts/T11223344", Grant: "client_credentials"}
	report, err := doctor.RunClient(context.Background(), goldenClients{}, "T11223344", q, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	requireGoldenView(t, func(t *testing.T) *Model {
		ctx := testContext(uitest.NewClock(fixedNow))
		ctx.Connections = goldenConnections()
		m := New(ctx)
		reader := goldenConnections()[0]
		p := diagnose.NewClient(m.ctx, common.DiagnoseSource{BaseURL: reader.BaseURL, Request: reader.Request}, q, "")
		m.openPage(p)
		_ = p.Start() // diagnoses the client at once: answered here
		m.Update(diagnose.DiagnosedMsg{ID: uitest.LastRequestID(m.ctx), Client: report})
		return m
	})
}

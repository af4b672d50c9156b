package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestDemo runs the whole demo: it builds payscoregen, starts `payscoregen
// sim` as a child process on loopback and walks the acquiring-bank flow.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs payscoregen: skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, "", &out); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	transcript := out.String()
	for _, want := range []string{
		"PAYSCORE.USER_OPEN_SERVICE",
		"CreateServiceOrder out_order_no=",
		`businessType: "wxpayScoreUse"`,
		"PAYSCORE.USER_CONFIRM: DOING/USER_CONFIRM",
		"QueryServiceOrder(query_id) -> DOING/USER_CONFIRM",
		"CompleteServiceOrder total_amount 500",
		"PAYSCORE.USER_PAID: DONE, paid 500 fen",
		"QueryServiceOrder -> DONE, collection USER_PAID: paid 500 fen (NEWTON",
		"errors.Is(err, payscore.ErrOrderDone)",
		"QueryServiceOrder -> REVOKED",
		"PAYSCORE.USER_CLOSE_SERVICE",
		"QueryAuthorization -> UNAVAILABLE",
	} {
		if !strings.Contains(transcript, want) {
			t.Errorf("transcript lacks %q:\n%s", want, transcript)
		}
	}
}

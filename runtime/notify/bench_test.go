package notify_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	wxnotify "github.com/wechatpay-apiv3/wechatpay-go/core/notify"
)

// benchRequest builds a fresh request around a prepared body and headers,
// so the loop measures parsing, not fixture building.
func benchRequest(body []byte, h http.Header) *http.Request {
	return &http.Request{
		Method:        http.MethodPost,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
	}
}

func BenchmarkParse(b *testing.B) {
	f := newFixture(b)
	body := f.body(b)
	h := f.request(b, body).Header
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := f.parser.Parse(benchRequest(body, h)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseWechatpayGo is the baseline: wechatpay-go's notify handler
// on the same notification.
func BenchmarkParseWechatpayGo(b *testing.B) {
	f := newFixture(b)
	f.signer.Now = time.Now // wechatpay-go checks the timestamp against the real clock
	body := f.body(b)
	h := f.request(b, body).Header
	wx, err := wxnotify.NewRSANotifyHandler(f.apiV3Key, f.verifier)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		var content map[string]any
		if _, err := wx.ParseNotifyRequest(context.Background(), benchRequest(body, h), &content); err != nil {
			b.Fatal(err)
		}
	}
}

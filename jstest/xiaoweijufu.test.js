'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { load, fakeWx, apis } = require('./fakewx');

const XWJF = 'wx959c8c1fb2d89988';
// What the Go back end returns (xiaoweijufu.NewPay, JSON-encoded).
const payParams = {
  appId: XWJF,
  path: 'pages/pay',
  extraData: { mchid: '12345', total_fee: 1, out_trade_no: '123123123123', nonce: 'abc', sign: '83041D972EA2CD3FBFECCE3D3F73F835' },
};

test('constants come from the spec (never PayJS\'s appId)', () => {
  const x = load('xiaoweijufu');
  assert.equal(x.jumps.pay.appId, XWJF);
  assert.equal(x.jumps.pay.path, 'pages/pay');
  assert.equal(x.jumps.pay.businessType, '');
  assert.notEqual(x.jumps.pay.appId, 'wx959c8c1fb2d877b5');
  assert.deepEqual(x.returns[XWJF].fields.map((f) => f.name), ['success', 'resultCode', 'msg', 'payjsOrderId']);
});

test('pay always navigates, even where openBusinessView exists', async () => {
  const x = load('xiaoweijufu');
  const w = fakeWx({ sdk: '3.0.0' });
  const r = await x.openPay(payParams, { wx: w });
  assert.equal(r.api, 'navigateToMiniProgram');
  assert.deepEqual(apis(w), ['navigateToMiniProgram']);
  assert.equal(w.calls[0][1].appId, XWJF);
  assert.equal(w.calls[0][1].path, 'pages/pay');
  assert.deepEqual(w.calls[0][1].extraData, payParams.extraData);
});

test('a failed jump rejects and awaits nothing', async () => {
  const x = load('xiaoweijufu');
  await assert.rejects(x.openPay(payParams, { wx: fakeWx({ fail: true }) }), (e) => e.code === 'JUMP_FAILED');
  assert.equal(x.takeReturn({ scene: 1038, referrerInfo: { appId: XWJF } }), null);
});

test('return with data: typed once; repeated onShow gives nothing', async () => {
  const x = load('xiaoweijufu');
  await x.openPay(payParams, { wx: fakeWx() });
  const opts = { scene: 1038, referrerInfo: { appId: XWJF, extraData: { success: true, resultCode: 'SUCCESS', msg: '支付成功', payjsOrderId: 'P1', extra: 'x' } } };
  assert.deepEqual(x.takeReturn(opts), {
    appId: XWJF, jump: 'pay', status: 'ok', problems: [], appIdChecked: true,
    data: { success: true, resultCode: 'SUCCESS', msg: '支付成功', payjsOrderId: 'P1' },
  });
  assert.equal(x.takeReturn(opts), null);
});

test('success as text is read as a boolean; nonsense is invalid', () => {
  let x = load('xiaoweijufu');
  x.expectReturn(XWJF, 'pay');
  assert.equal(x.takeReturn({ scene: 1038, referrerInfo: { appId: XWJF, extraData: { success: 'false', resultCode: 'WAITING' } } }).data.success, false);
  x = load('xiaoweijufu');
  const r = x.takeReturn({ scene: 1038, referrerInfo: { appId: XWJF, extraData: { success: 'maybe' } } });
  assert.equal(r.status, 'invalid');
  assert.deepEqual(r.problems, [{ field: 'success', problem: 'type' }]);
});

test('return without data after a pay: no-data', async () => {
  const x = load('xiaoweijufu');
  await x.openPay(payParams, { wx: fakeWx() });
  assert.equal(x.takeReturn({ scene: 1038, referrerInfo: { appId: XWJF } }).status, 'no-data');
});

test('PayJS appId and the Pay Score appId are not 小微聚付 returns', async () => {
  const x = load('xiaoweijufu');
  await x.openPay(payParams, { wx: fakeWx() });
  assert.equal(x.takeReturn({ scene: 1038, referrerInfo: { appId: 'wx959c8c1fb2d877b5', extraData: { success: true } } }), null);
  assert.equal(x.takeReturn({ scene: 1038, referrerInfo: { appId: 'wxd8f3793ea3b935b8', extraData: { query_id: 'Q' } } }), null);
  assert.equal(x.takeReturn({ scene: '1038', referrerInfo: { appId: XWJF, extraData: { success: true } } }).status, 'ok');
});

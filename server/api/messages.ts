import { Router } from 'express';
import { z } from 'zod';
import { notFound } from '../errors.js';
import type { Ctx } from '../deps.js';
import { companyOf } from './auth.js';
import { sendMessage } from '../messaging/send.js';
import { countSegments } from '../messaging/segments.js';

/** E.164, as Telnyx requires it. */
export const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'Use E.164, e.g. +13125550100');

const sendBody = z.object({
  from: e164,
  to: e164,
  text: z.string().min(1).max(1600).optional(),
  mediaUrls: z.array(z.url({ protocol: /^https?$/ })).max(10).optional(),
}).strict().refine((b) => b.text || b.mediaUrls?.length, { message: 'Send text, mediaUrls or both', path: ['text'] });

const listQuery = z.object({ customer: e164.optional(), number: e164.optional(), limit: z.coerce.number().int().min(1).max(1000).optional() });

/** `/api/messages`: send SMS/MMS, conversations per customer number, delivery status. */
export function messagesRouter(ctx: Ctx): Router {
  const r = Router();
  r.post('/api/messages', async (req, res) => {
    const b = sendBody.parse(req.body);
    const message = await sendMessage(ctx, companyOf(res).id, b);
    res.status(201).json({ message, segments: countSegments(b.text ?? '') });
  });
  r.get('/api/messages', async (req, res) => {
    res.json({ messages: await ctx.store.listMessages(companyOf(res).id, listQuery.parse(req.query)) });
  });
  r.get('/api/messages/conversations', async (_req, res) => {
    res.json({ conversations: await ctx.store.listConversations(companyOf(res).id) });
  });
  r.get('/api/messages/conversations/:customer', async (req, res) => {
    const customer = e164.parse(req.params.customer);
    const company = companyOf(res).id;
    const messages = await ctx.store.listMessages(company, { customer });
    if (!messages.length) throw notFound(`Conversation with ${customer}`);
    res.json({ customer, optedOut: await ctx.store.isOptedOut(company, customer), messages });
  });
  r.post('/api/messages/conversations/:customer/read', async (req, res) => {
    const customer = e164.parse(req.params.customer);
    const company = companyOf(res).id;
    // Like GET: a conversation this company does not have is a 404, whoever else has one with that number.
    if (!(await ctx.store.listMessages(company, { customer, limit: 1 })).length) throw notFound(`Conversation with ${customer}`);
    res.json({ customer, marked: await ctx.store.markConversationRead(company, customer) });
  });
  r.get('/api/messages/:id', async (req, res) => {
    const message = await ctx.store.getMessage(companyOf(res).id, req.params.id);
    if (!message) throw notFound(`Message ${req.params.id}`);
    res.json({ message });
  });
  return r;
}

package dev.zeusd.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Between Vert.x's HTTP codec and its connection ({@link RequestDeadline#WATCH}): decoded requests come in, responses
 * go out, so this is where the {@link RequestDeadline} learns that a request head arrived, that the request ended (no
 * deadline while it is served) and that its response ended (a fresh deadline for the next one).
 */
final class RequestWatch extends ChannelDuplexHandler {
    private final RequestDeadline deadline;
    private final VertxPipelineTakeover takeover;

    RequestWatch(RequestDeadline deadline, VertxPipelineTakeover takeover) {
        this.deadline = deadline;
        this.takeover = takeover;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!takeover.connectionReady(ctx.pipeline())) { // HTTP/2 after all: the guard has stepped aside
            ctx.fireChannelRead(msg);
            return;
        }
        if (msg instanceof HttpRequest) {
            deadline.requestHead();
        }
        if (msg instanceof LastHttpContent) { // a FullHttpRequest is both
            deadline.requestEnd();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean interim = msg instanceof HttpResponse response
                && response.status().codeClass() == HttpStatusClass.INFORMATIONAL; // 100 Continue, 103
        if (msg instanceof LastHttpContent && !interim) {
            deadline.responseEnd();
        }
        ctx.write(msg, promise);
    }
}

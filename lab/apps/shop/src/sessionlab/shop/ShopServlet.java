package sessionlab.shop;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.regex.Pattern;

/** What the shop's servlets share: JSON answers, checked parameters, the logged-in session. */
abstract class ShopServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    static final String USER = "user";
    static final String CART = "cart";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    // Which backend answered, for a client that reaches the shop through a balancer.
    private static final String SERVER = hostName();

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static void send(HttpServletResponse response, int status, String json) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Shop-Server", SERVER);
        response.getWriter().write(json + "\n");
    }

    static void error(HttpServletResponse response, int status, String message) throws IOException {
        send(response, status, "{\"error\": " + quote(message) + "}");
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    static String list(List<String> items) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(quote(items.get(i)));
        }
        return out.append(']').toString();
    }

    /** The form parameter when it is 1 to 64 letters, digits or ._@-; otherwise answers 400 and returns null. */
    static String name(HttpServletRequest request, HttpServletResponse response, String parameter)
            throws IOException {
        String value = request.getParameter(parameter);
        if (value == null || !NAME.matcher(value).matches()) {
            error(response, 400, parameter + " must be 1 to 64 letters, digits or ._@-");
            return null;
        }
        return value;
    }

    /** The session of a logged-in user; otherwise answers 401 and returns null. */
    static HttpSession loggedIn(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSession session = request.getSession(false);
        if (session == null || session.getAttribute(USER) == null) {
            error(response, 401, "not logged in");
            return null;
        }
        return session;
    }

    static int items(HttpSession session) {
        Basket cart = (Basket) session.getAttribute(CART);
        return cart == null ? 0 : cart.size();
    }
}

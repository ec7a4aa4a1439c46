package sessionlab.shop;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/** POST /login user=NAME: a new session (an earlier one is dropped) that keeps the user's name. */
public class LoginServlet extends ShopServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String user = name(request, response, USER);
        if (user == null) {
            return;
        }
        HttpSession old = request.getSession(false);
        if (old != null) {
            old.invalidate();
        }
        HttpSession session = request.getSession(true);
        session.setAttribute(USER, user);
        send(response, 200, "{\"user\": " + quote(user) + ", \"items\": 0}");
    }
}

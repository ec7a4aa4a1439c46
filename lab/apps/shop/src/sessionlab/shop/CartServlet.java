package sessionlab.shop;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Collections;
import java.util.List;

/** GET /cart: the user and what the cart holds. */
public class CartServlet extends ShopServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSession session = loggedIn(request, response);
        if (session == null) {
            return;
        }
        Basket cart = (Basket) session.getAttribute(CART);
        List<String> skus = cart == null ? Collections.emptyList() : cart.skus();
        send(response, 200, "{\"user\": " + quote((String) session.getAttribute(USER)) + ", \"items\": "
                + skus.size() + ", \"skus\": " + list(skus) + "}");
    }
}
